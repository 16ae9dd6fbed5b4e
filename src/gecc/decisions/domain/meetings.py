"""Steering-committee meetings (การประชุมคณะกรรมการอำนวยการ ครั้งที่ 1/2563).

* ``create_meeting(round, actor, *, held_on, number=None, attendees="", resolution="")``:
  the round must be in its decision phase; the number is the next free one unless given
  (unique per round). Audited ``meeting.created``.
* ``update_meeting(meeting, actor, *, held_on, attendees, resolution)``: only while open.
  Audited ``meeting.updated`` with before/after.
* ``close_meeting(meeting, actor)``: open and at least one decision. Every decision of the
  meeting becomes final: ``hooks.decision_event(decision, actor, event=FINAL)`` in turn
  (the certificates app issues the certificates), the feedback report of each decided
  (certify / not certify) application is released (``scoring.domain.feedback.
  release_feedback(team_sheet, None)``, the system) when not released yet, and each unit's
  coordinators get their decision by e-mail (``decisions.decided``, with the appeal deadline
  for a certify / not certify decision). Audited ``meeting.closed``; all in one transaction.
* ``meeting_label(meeting)`` → "ครั้งที่ 1/2563".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gecc.audit.domain import log_action
from gecc.decisions.domain import hooks
from gecc.decisions.enums import DecisionOutcome, MeetingState
from gecc.decisions.models import Decision, Meeting
from gecc.rounds.enums import RoundPhase

EVENT_DECIDED = "decisions.decided"


def meeting_label(meeting) -> str:
    return _("no. %(number)s/%(year)s") % {"number": meeting.number,
                                               "year": meeting.round.year}


def _record(meeting) -> dict:
    return {"number": meeting.number, "held_on": meeting.held_on.isoformat()
            if meeting.held_on else None,
            "attendees": meeting.attendees, "resolution": meeting.resolution}


def _require_decision_phase(round_obj):
    if round_obj.phase != RoundPhase.DECISION:
        raise ValidationError(
            _("The round %(year)s is not in its decision phase (it is now “%(phase)s”): "
              "steering-committee meetings are held in the decision phase.")
            % {"year": round_obj.year, "phase": round_obj.get_phase_display()},
            code="wrong_phase")


def _require_open(meeting):
    if meeting.state == MeetingState.CLOSED:
        raise ValidationError(
            _("Meeting %(label)s is closed: its decisions are final. A final decision "
              "changes only through an appeal or a correction with a reason.")
            % {"label": meeting_label(meeting)}, code="closed")


@transaction.atomic
def create_meeting(round, actor, *, held_on, number=None, attendees="", resolution="",
                   request=None) -> Meeting:
    from gecc.rounds.models import Round

    round_obj = Round.objects.select_for_update().get(pk=round.pk)
    _require_decision_phase(round_obj)
    if held_on is None:
        raise ValidationError(_("Enter the date of the meeting."), code="date_required")
    if number is None:
        number = (Meeting.objects.filter(round=round_obj).aggregate(n=Max("number"))["n"]
                  or 0) + 1
    elif number < 1:
        raise ValidationError(_("The meeting number starts at 1."), code="bad_number")
    if Meeting.objects.filter(round=round_obj, number=number).exists():
        raise ValidationError(
            _("Meeting %(number)s/%(year)s already exists in this round.")
            % {"number": number, "year": round_obj.year}, code="number_taken")
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                round=round_obj, number=number, held_on=held_on, attendees=attendees or "",
                resolution=resolution or "", created_by=actor)
    except IntegrityError as error:  # a race on the number
        raise ValidationError(
            _("Meeting %(number)s/%(year)s already exists in this round.")
            % {"number": number, "year": round_obj.year}, code="number_taken") from error
    log_action("meeting.created", actor=actor, obj=meeting, request=request,
               after=_record(meeting), data={"round": round_obj.year})
    return meeting


@transaction.atomic
def update_meeting(meeting, actor, *, held_on, attendees, resolution, request=None) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("round").get(pk=meeting.pk)
    _require_open(meeting)
    if held_on is None:
        raise ValidationError(_("Enter the date of the meeting."), code="date_required")
    before = _record(meeting)
    meeting.held_on, meeting.attendees, meeting.resolution = (held_on, attendees or "",
                                                              resolution or "")
    after = _record(meeting)
    changed = [key for key in after if after[key] != before[key]]
    if not changed:
        return meeting
    meeting.save(update_fields=["held_on", "attendees", "resolution", "updated_at"])
    log_action("meeting.updated", actor=actor, obj=meeting, request=request,
               before={key: before[key] for key in changed},
               after={key: after[key] for key in changed})
    return meeting


def close_refusal(meeting) -> str | None:
    """Why ``meeting`` cannot be closed now (a Thai sentence), or None."""
    if meeting.state == MeetingState.CLOSED:
        return _("Meeting %(label)s is already closed.") % {"label": meeting_label(meeting)}
    if not meeting.decisions.exists():
        return _("Meeting %(label)s has no decision yet: record at least one decision "
                 "before closing it.") % {"label": meeting_label(meeting)}
    return None


@transaction.atomic
def close_meeting(meeting, actor, request=None) -> Meeting:
    from gecc.decisions.domain.decisions import appeal_deadline
    from gecc.scoring.domain.feedback import release_feedback
    from gecc.scoring.enums import TeamSheetState

    meeting = Meeting.objects.select_for_update().select_related("round").get(pk=meeting.pk)
    refusal = close_refusal(meeting)
    if refusal:
        code = "closed" if meeting.state == MeetingState.CLOSED else "no_decision"
        raise ValidationError(refusal, code=code)
    meeting.state = MeetingState.CLOSED
    meeting.closed_at = timezone.now()
    meeting.closed_by = actor
    meeting.save(update_fields=["state", "closed_at", "closed_by", "updated_at"])
    decisions = list(Decision.objects.filter(meeting=meeting)
                     .select_related("application", "application__unit",
                                     "application__round", "application__team_sheet")
                     .order_by("application__unit__name_th", "pk"))
    counts = {outcome.value: 0 for outcome in DecisionOutcome}
    for decision in decisions:
        counts[decision.outcome] += 1
    log_action("meeting.closed", actor=actor, obj=meeting, request=request,
               before={"state": MeetingState.OPEN},
               after={"state": MeetingState.CLOSED,
                      "closed_at": meeting.closed_at.isoformat()},
               data={"round": meeting.round.year, "decisions": len(decisions), **counts})
    released = 0
    for decision in decisions:
        decision.meeting = meeting
        hooks.decision_event(decision, actor, event=hooks.FINAL, request=request)
        if decision.outcome == DecisionOutcome.DEFER:
            continue
        sheet = getattr(decision.application, "team_sheet", None)
        if (sheet is not None and sheet.state == TeamSheetState.LOCKED
                and sheet.feedback_released_at is None):
            release_feedback(sheet, None, request)
            released += 1
    for decision in decisions:
        _tell_the_unit(decision, actor, appeal_deadline(decision))
    return meeting


def _tell_the_unit(decision, actor, deadline):
    from gecc.decisions.domain.decisions import level_name
    from gecc.notifications.domain import notify

    application = decision.application
    url = reverse("portal:application.detail", kwargs={"pk": application.pk})
    feedback_url = (reverse("portal:application.feedback", kwargs={"pk": application.pk})
                    if decision.outcome != DecisionOutcome.DEFER else "")
    notify(EVENT_DECIDED, recipients=application.unit.coordinator_emails(), obj=decision,
           actor=actor,
           context={"application": application, "unit": application.unit,
                    "round": application.round, "decision": decision,
                    "outcome": decision.outcome,
                    "meeting_label": meeting_label(decision.meeting),
                    "held_on": decision.meeting.held_on,
                    "level_name": level_name(application.round, decision.level),
                    "deadline": deadline if decision.outcome != DecisionOutcome.DEFER
                    else None,
                    "url": url, "feedback_url": feedback_url})


NAMED_IN_CHECK = 10


def decisions_settled(round_obj, new_phase) -> list[str]:
    """A round moves from its decision to "announced" only when every accepted application
    with a locked team sheet has a final decision, no final decision is a deferral (a later
    meeting must take it up) and no meeting of the round is still open. Registered as a
    blocking phase check by ``gecc.decisions.checks``."""
    from gecc.applications.enums import ApplicationState
    from gecc.applications.models import Application
    from gecc.rounds.enums import RoundPhase as Phase
    from gecc.scoring.enums import TeamSheetState

    if new_phase != Phase.ANNOUNCED:
        return []
    reasons = []
    open_meetings = list(Meeting.objects.filter(round=round_obj, state=MeetingState.OPEN)
                         .select_related("round").order_by("number"))
    if open_meetings:
        reasons.append(_("A steering-committee meeting of the round is still open: %(labels)s. "
                         "Close it (its decisions become final) before announcing.")
                       % {"labels": ", ".join(meeting_label(m) for m in open_meetings)})
    undecided = (Application.objects
                 .filter(round=round_obj, state=ApplicationState.ACCEPTED,
                         team_sheet__state=TeamSheetState.LOCKED)
                 .exclude(decision__meeting__state=MeetingState.CLOSED)
                 .order_by("unit__name_th", "pk"))
    deferred = (Application.objects
                .filter(round=round_obj, decision__meeting__state=MeetingState.CLOSED,
                        decision__outcome=DecisionOutcome.DEFER)
                .order_by("unit__name_th", "pk"))
    for queryset, single, plural in (
        (undecided,
         "%(count)s accepted application with a proposed result has no final decision: "
         "%(names)s.",
         "%(count)s accepted applications with a proposed result have no final decision: "
         "%(names)s."),
        (deferred,
         "%(count)s application was deferred and no later meeting has decided it: "
         "%(names)s.",
         "%(count)s applications were deferred and no later meeting has decided them: "
         "%(names)s."),
    ):
        total = queryset.count()
        if not total:
            continue
        names = ", ".join(queryset.values_list("unit__name_th", flat=True)[:NAMED_IN_CHECK])
        if total > NAMED_IN_CHECK:
            names += " " + _("and %(count)s more") % {"count": total - NAMED_IN_CHECK}
        reasons.append(ngettext(single, plural, total) % {"count": total, "names": names})
    return reasons
