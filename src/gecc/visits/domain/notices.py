"""Telling people about their visits: the unit's coordinators and the team's members.

Each visit keeps the ``notified_signature`` of what people were last told
(``date|start|end|team``; empty while nobody was told, or for a visit not placed). After a
confirmation, and after any change to a confirmed itinerary (a re-plan, a fixed stop, a new
duration, a hotel, a unit's hours, a visit taken over from another team), only the visits
whose signature differs are announced:

* the unit (its coordinators and the application's contact person): ``visit.scheduled`` the
  first time, ``visit.changed`` afterwards (a new time, day or team, or no date any more);
* the team's members: ``itinerary.confirmed`` with their whole schedule at the confirmation,
  one message per member; ``visit.changed`` with the list of changed visits afterwards;
* the members of the team a visit left: ``visit.changed`` with that visit as removed.

Each announced visit writes an audit entry (``visit.scheduled`` or ``visit.changed``) with
the old and new date, times and team.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse

from gecc.applications.domain.notify import recipients_for
from gecc.audit.domain import build_entry, log_actions
from gecc.committees.models import Membership, SubCommittee
from gecc.notifications.domain import notify

from .calendar import feed_url, visit_ics
from .places import member_label


@dataclass(frozen=True)
class Slot:
    """What a signature says: a day, a start and end time and a team."""

    date: datetime.date
    start: datetime.time
    end: datetime.time
    team_id: int

    @classmethod
    def parse(cls, signature):
        try:
            day, start, end, team = signature.split("|")
            return cls(datetime.date.fromisoformat(day), datetime.time.fromisoformat(start),
                       datetime.time.fromisoformat(end), int(team))
        except (AttributeError, ValueError):
            return None

    def as_data(self, teams):
        return {"date": self.date.isoformat(), "start": f"{self.start:%H:%M}",
                "end": f"{self.end:%H:%M}", "team": teams.get(self.team_id, self.team_id)}


@dataclass
class Change:
    """One visit as people are told about it: where it is now (``after``, None when it has
    no date any more) and where they were told it was (``before``, None the first time)."""

    unit_name: str
    number: int | None
    before: Slot | None
    after: Slot | None
    before_team: str = ""

    @property
    def cancelled(self):
        return self.after is None


def signature(visit, team_id) -> str:
    """``2026-06-08|09:00|10:30|5``, or "" for a visit not placed."""
    if visit.day_id is None or visit.start_at is None or visit.end_at is None:
        return ""
    return f"{visit.day.date.isoformat()}|{visit.start_at:%H:%M}|{visit.end_at:%H:%M}|{team_id}"


def team_members(subcommittee) -> list:
    return list(Membership.objects.filter(subcommittee=subcommittee).select_related("user"))


def _member_recipients(memberships):
    return [m for m in memberships if m.user.is_active and m.user.email]


def _portal_url(application):
    return reverse("portal:application.detail", kwargs={"pk": application.pk})


def _team_names(team_ids) -> dict:
    return {pk: SubCommittee(pk=pk, number=number, name=name).display_name
            for pk, number, name in SubCommittee.objects.filter(pk__in=team_ids)
            .values_list("pk", "number", "name")}


def announce(itinerary, actor, *, confirming=False, removed=(), request=None) -> dict:
    """Tell the people whose visit changed since they were last told (see the module
    docstring); store the new signatures. Returns counts for the audit entry."""
    team = itinerary.subcommittee
    members = team_members(team)
    visits = list(itinerary.visits.select_related(
        "day", "application", "application__unit", "application__round")
        .order_by("day__date", "order", "pk"))
    pending = []  # (visit, old signature, new signature)
    for visit in visits:
        new = signature(visit, team.pk)
        if new != visit.notified_signature:
            pending.append((visit, visit.notified_signature, new))
    old_slots = {id(visit): Slot.parse(old) for visit, old, _new in pending}
    team_ids = {team.pk} | {slot.team_id for slot in old_slots.values() if slot}
    teams = _team_names(team_ids)
    entries, unit_messages = [], 0
    member_changes, left = [], {}  # changes for this team; {other team id: [Change]}
    for visit, _old, new in pending:
        before, after = old_slots[id(visit)], Slot.parse(new)
        change = Change(visit.application.unit.name_th, visit.number, before, after,
                        teams.get(before.team_id, "") if before else "")
        if before is not None and before.team_id != team.pk:
            left.setdefault(before.team_id, []).append(
                Change(change.unit_name, None, before, None))
        if before is None and after is None:
            continue
        unit_messages += _tell_unit(visit, change, team, members, actor)
        member_changes.append(change)
        entries.append(build_entry(
            "visit.changed" if before else "visit.scheduled", actor=actor, obj=visit,
            request=request, before=before.as_data(teams) if before else None,
            after=after.as_data(teams) if after else None,
            data={"unit": visit.application.unit.code}))
        visit.notified_signature = new
        visit.save(update_fields=["notified_signature"])
    for application, old in removed:
        before = Slot.parse(old)
        if before is None:
            continue
        change = Change(application.unit.name_th, None, before, None)
        unit_messages += _tell_unit_removed(application, change, team, actor)
        if before.team_id == team.pk:
            member_changes.append(change)
        else:
            left.setdefault(before.team_id, []).append(change)
    if entries:
        log_actions(entries)
    recipients = _member_recipients(members)
    if confirming:
        for membership in recipients:
            _tell_member_schedule(membership, itinerary, visits, members, actor)
    elif member_changes:
        for membership in recipients:
            _tell_member_changes(membership, team, member_changes, actor, itinerary)
    for other_id, changes in left.items():
        other = SubCommittee.objects.filter(pk=other_id).first()
        if other is None:
            continue
        for membership in _member_recipients(team_members(other)):
            _tell_member_changes(membership, other, changes, actor, itinerary)
    return {"visits_announced": len(entries), "unit_messages": unit_messages,
            "member_messages": len(recipients) if (confirming or member_changes) else 0}


def _unit_context(visit_or_application, change, team, members):
    application = getattr(visit_or_application, "application", visit_or_application)
    context = {
        "application": application, "unit": application.unit, "round": application.round,
        "change": change, "team_name": team.display_name,
        "members": [member_label(m) for m in members],
        "url": _portal_url(application),
    }
    if change.after is not None:
        context["ics_url"] = reverse("visits:visit.ics", kwargs={"pk": visit_or_application.pk})
    return context


def _tell_unit(visit, change, team, members, actor) -> int:
    event = "visit.scheduled" if change.before is None else "visit.changed"
    attachments = None
    if change.after is not None and visit.day_id and visit.start_at and visit.end_at:
        attachments = [(f"gecc-visit-{visit.pk}.ics", visit_ics(visit),
                        "text/calendar; charset=utf-8; method=PUBLISH")]
    messages = notify(event, recipients=recipients_for(visit.application),
                      context=_unit_context(visit, change, team, members), obj=visit,
                      actor=actor, attachments=attachments)
    return len(messages)


def _tell_unit_removed(application, change, team, actor) -> int:
    messages = notify("visit.changed", recipients=recipients_for(application),
                      context=_unit_context(application, change, team, []),
                      obj=application, actor=actor)
    return len(messages)


def _member_context(membership, team, itinerary):
    return {"member": membership.user, "team_name": team.display_name,
            "round": team.round, "position": membership.get_position_display(),
            "url": reverse("visits:schedule.mine"),
            "feed_url": feed_url(membership.user),
            "pdf_url": reverse("visits:itinerary.pdf", kwargs={"pk": itinerary.pk})
            if team.pk == itinerary.subcommittee_id else ""}


def _tell_member_schedule(membership, itinerary, visits, members, actor):
    team = itinerary.subcommittee
    context = _member_context(membership, team, itinerary)
    context.update({
        "stops": [visit for visit in visits if visit.day_id is not None],
        "members": [member_label(m) for m in members],
    })
    notify("itinerary.confirmed", recipients=[membership.user.email], context=context,
           obj=itinerary, actor=actor)


def _tell_member_changes(membership, team, changes, actor, itinerary):
    context = _member_context(membership, team, itinerary)
    context.update({"changes": changes, "for_member": True})
    notify("visit.changed", recipients=[membership.user.email], context=context,
           obj=itinerary, actor=actor)
