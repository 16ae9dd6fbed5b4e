"""Conflicts of interest: the one predicate that assignment, scoping and every view use.

A member may not assess an application when a conflict *in force* (not overridden by the
secretariat) links them, in the application's round, to the application's unit or to the
unit's organisation (or that organisation's parent). Conflicts are declared by the member
or detected by :func:`detect_conflicts` (affiliation, coordinator, previous round).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.accounts.enums import Role
from gecc.accounts.models import User
from gecc.applications.enums import DEAD_STATES
from gecc.applications.models import Application
from gecc.audit.domain import build_entry, log_action, log_actions
from gecc.audit.models import AuditEntry
from gecc.committees.enums import AssignmentState, ConflictKind
from gecc.committees.models import Assignment, Conflict, Membership
from gecc.common.outbox import notify
from gecc.common.urls import absolute_url
from gecc.registry.models import Organization, ServiceUnit
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round


def _unit_q(unit):
    """Conflicts that touch ``unit``: on the unit itself, its organisation or its parent."""
    organization = unit.organization
    orgs = [organization.pk]
    if organization.parent_id:
        orgs.append(organization.parent_id)
    return Q(unit_id=unit.pk) | Q(organization_id__in=orgs)


def conflict_for(user, application):
    """The first conflict in force between ``user`` and ``application``, or None."""
    from gecc.committees.models import Conflict

    return (Conflict.objects.in_force()
            .filter(_unit_q(application.unit), round_id=application.round_id, user=user)
            .select_related("unit", "organization").first())


def forbidden_pairs(round_obj) -> dict[int, dict[int, str]]:
    """{application id: {sub-committee id: Thai reason}} for the round: a team is forbidden
    for an application when any of its members has a conflict in force with it. One query
    per table, whatever the size of the round."""
    from gecc.applications.models import Application
    from gecc.committees.models import Conflict, Membership

    team_of = {}
    for user_id, team_id in Membership.objects.filter(round=round_obj).values_list(
            "user_id", "subcommittee_id"):
        team_of[user_id] = team_id
    by_unit, by_org = {}, {}
    conflicts = (Conflict.objects.in_force().filter(round=round_obj, user_id__in=team_of)
                 .select_related("user", "unit", "organization"))  # the reason names them
    for conflict in conflicts:
        entry = (team_of[conflict.user_id], conflict_reason(conflict))
        if conflict.unit_id:
            by_unit.setdefault(conflict.unit_id, []).append(entry)
        else:
            by_org.setdefault(conflict.organization_id, []).append(entry)
    result: dict[int, dict[int, str]] = {}
    if not by_unit and not by_org:
        return result
    rows = Application.objects.filter(round=round_obj).values_list(
        "pk", "unit_id", "unit__organization_id", "unit__organization__parent_id")
    for app_id, unit_id, org_id, parent_id in rows:
        entries = (by_unit.get(unit_id, []) + by_org.get(org_id, [])
                   + (by_org.get(parent_id, []) if parent_id else []))
        for team_id, reason in entries:
            result.setdefault(app_id, {}).setdefault(team_id, reason)
    return result


def conflict_reason(conflict) -> str:
    """A Thai sentence naming the member, the unit or organisation and the kind."""
    from django.utils.translation import gettext as _

    target = conflict.unit.name_th if conflict.unit_id else conflict.organization.name_th
    kind = ConflictKind(conflict.kind).label
    text = _("%(member)s has a conflict of interest with %(target)s (%(kind)s)") % {
        "member": conflict.user.full_name or conflict.user.email, "target": target,
        "kind": kind}
    if conflict.reason:
        text += f": {conflict.reason}"
    return text


# -- declared, detected, withdrawn and overridden conflicts ------------------------------

# Registry audit entries that name a unit's coordinators before a change
# (gecc.registry.domain.units, gecc.registry.views.coordinators).
COORDINATOR_HISTORY_ACTIONS = ("unit.coordinators_changed", "unit.coordinator_removed")
ID_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


def assignment_confirmed(round_obj) -> bool:
    """True once the round's assignment of applications to teams is confirmed."""
    return Assignment.objects.filter(round=round_obj, state=AssignmentState.CONFIRMED).exists()


def _target_snapshot(conflict) -> dict:
    return {"member": conflict.user.email, "kind": conflict.kind,
            "unit": conflict.unit.code if conflict.unit_id else None,
            "organization": conflict.organization.code if conflict.organization_id else None,
            "reason": conflict.reason}


def _check_round_open(round_obj):
    if round_obj.phase == RoundPhase.CLOSED:
        raise ValidationError(_("The round is closed."), code="round_closed")


def declare_conflict(user, round_obj, unit=None, organization=None, reason="", actor=None,
                     request=None):
    """``user`` declares a conflict of interest with a service unit or a whole organisation
    in ``round_obj``, giving a reason. Audited ``conflict.declared``."""
    _check_round_open(round_obj)
    reason = (reason or "").strip()
    errors = {}
    if (unit is None) == (organization is None):
        errors["unit"] = _("Choose either a service unit or an organisation.")
    if not reason:
        errors["reason"] = _("Give the reason for the conflict of interest.")
    if errors:
        raise ValidationError(errors)
    exists = Conflict.objects.filter(round=round_obj, user=user, unit=unit,
                                     organization=organization, kind=ConflictKind.DECLARED)
    if exists.exists():
        raise ValidationError(_("You have already declared this conflict of interest in "
                                "this round."), code="duplicate")
    conflict = Conflict(round=round_obj, user=user, unit=unit, organization=organization,
                        kind=ConflictKind.DECLARED, reason=reason,
                        created_by=actor if getattr(actor, "is_authenticated", False)
                        else None)
    with transaction.atomic():
        try:
            with transaction.atomic():
                conflict.save()
        except IntegrityError:
            raise ValidationError(_("You have already declared this conflict of interest in "
                                    "this round."), code="duplicate") from None
        log_action("conflict.declared", actor=actor, obj=conflict,
                   after=_target_snapshot(conflict), data={"round": round_obj.year},
                   request=request)
    return conflict


def withdraw_conflict(conflict, actor=None, request=None):
    """The member takes back their own declaration, while the round's assignment is not yet
    confirmed. Detected conflicts cannot be withdrawn (the secretariat overrides them).
    Audited ``conflict.withdrawn``; the row is removed."""
    if conflict.kind != ConflictKind.DECLARED:
        raise ValidationError(_("Only a declared conflict of interest can be withdrawn; the "
                                "secretariat may override a detected one."), code="detected")
    if actor is not None and actor.pk != conflict.user_id:
        raise ValidationError(_("Only the member who declared it can withdraw a "
                                "declaration."), code="not_yours")
    if assignment_confirmed(conflict.round):
        raise ValidationError(_("The assignment of this round is confirmed; a declaration "
                                "can no longer be withdrawn."), code="confirmed")
    with transaction.atomic():
        log_action("conflict.withdrawn", actor=actor, obj=conflict,
                   before=_target_snapshot(conflict), data={"round": conflict.round.year},
                   request=request)
        conflict.delete()


def override_conflict(conflict, actor, reason, request=None):
    """The secretariat lifts a conflict (it no longer bars the member), with a reason.
    Audited ``conflict.overridden``; the member is told by e-mail."""
    if actor is None or not getattr(actor, "is_authenticated", False) \
            or not actor.has_role(Role.SECRETARIAT):
        raise PermissionDenied("Only the secretariat may override a conflict of interest.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the override.")})
    with transaction.atomic():
        conflict = (Conflict.objects.select_for_update(of=("self",)).select_related(
            "round", "user", "unit", "organization").get(pk=conflict.pk))
        if conflict.overridden_at is not None:
            raise ValidationError(_("This conflict of interest is already overridden."),
                                  code="overridden")
        conflict.overridden_at = timezone.now()
        conflict.overridden_by = actor
        conflict.override_reason = reason
        conflict.save(update_fields=["overridden_at", "overridden_by", "override_reason"])
        log_action("conflict.overridden", actor=actor, obj=conflict,
                   before={"in_force": True},
                   after={"in_force": False, "override_reason": reason},
                   data={**_target_snapshot(conflict), "round": conflict.round.year},
                   request=request)
        notify("conflict.overridden", recipients=[conflict.user.email], context={
            "conflict": conflict, "round": conflict.round, "target": conflict.target_label,
            "name": conflict.user.full_name or conflict.user.email,
            "reason": reason,
            "url": absolute_url(reverse("committees:conflict.mine"), request)},
            obj=conflict, actor=actor)
    return conflict


def _chunks(values, size=ID_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _past_coordinators(unit_ids, emails) -> set[tuple[str, int]]:
    """``{(email, unit id)}``: who was a coordinator of one of ``unit_ids`` according to the
    registry's audit log (the coordinators before a change, or a removed coordinator);
    ``emails`` (lower case) narrows the answer. One query per ``ID_CHUNK`` units."""
    found = set()
    if not unit_ids or not emails:
        return found
    content_type = ContentType.objects.get_for_model(ServiceUnit)
    for chunk in _chunks(sorted(unit_ids)):
        rows = AuditEntry.objects.filter(
            content_type=content_type, action__in=COORDINATOR_HISTORY_ACTIONS,
            object_id__in=[str(pk) for pk in chunk]).values_list("object_id", "data")
        for object_id, data in rows:
            data = data or {}
            names = list((data.get("before") or {}).get("coordinators") or [])
            if data.get("email"):
                names.append(data["email"])
            for name in names:
                email = str(name).strip().lower()
                if email in emails:
                    found.add((email, int(object_id)))
    return found


def _previous_round_units(round_obj, user_ids) -> dict[int, set[int]]:
    """``{user id: {unit id}}``: the units each member's team visited (a confirmed
    assignment) in the round of the previous year."""
    previous = Round.objects.filter(year=round_obj.year - 1).first()
    if previous is None:
        return {}
    teams = {}
    for user_id, team_id in Membership.objects.filter(
            round=previous, user_id__in=user_ids).values_list("user_id", "subcommittee_id"):
        teams.setdefault(team_id, set()).add(user_id)
    if not teams:
        return {}
    units: dict[int, set[int]] = {}
    for team_id, unit_id in Assignment.objects.filter(
            round=previous, state=AssignmentState.CONFIRMED,
            subcommittee_id__in=list(teams)).values_list("subcommittee_id",
                                                         "application__unit_id"):
        for user_id in teams[team_id]:
            units.setdefault(user_id, set()).add(unit_id)
    return units


def detect_conflicts(round_obj, actor=None, *, users=None) -> list:
    """Record the conflicts of interest the data shows between the round's sub-committee
    members (or only ``users``) and its live applications; returns the conflicts created.

    * affiliation: the member's organisation (profile) is the unit's organisation or its
      parent → one conflict with that organisation;
    * coordinator: the member is, or was (the registry's audit log of coordinator changes),
      a coordinator of the unit → a conflict with the unit;
    * previous round (setting ``COI_PREVIOUS_ROUND``, on by default): the member's team
      visited the unit (confirmed assignment) in the previous year's round → with the unit.

    Idempotent: a conflict already recorded (in force or overridden) is not made again, so
    an override stays. Each new one is audited ``conflict.detected`` (one INSERT for all).
    A fixed handful of queries whatever the size of the round."""
    members = Membership.objects.filter(round=round_obj)
    if users is not None:
        members = members.filter(user__in=[getattr(user, "pk", user) for user in users])
    members = list(members.values_list("user_id", "user__email",
                                       "user__assessor_profile__affiliation_id"))
    if not members:
        return []
    user_ids = {user_id for user_id, _email, _aff in members}
    affiliation_of = {user_id: aff for user_id, _email, aff in members if aff}
    user_of_email = {email.lower(): user_id for user_id, email, _aff in members}

    applications = list(Application.objects.filter(round=round_obj)
                        .exclude(state__in=DEAD_STATES)
                        .values_list("unit_id", "unit__organization_id",
                                     "unit__organization__parent_id"))
    if not applications:
        return []
    unit_ids = {unit_id for unit_id, _org, _parent in applications}
    organizations_in_round = set()
    for _unit, org_id, parent_id in applications:
        organizations_in_round.add(org_id)
        if parent_id:
            organizations_in_round.add(parent_id)

    wanted = {}  # (user id, unit id, organization id, kind) -> reason

    for user_id, org_id in affiliation_of.items():
        if org_id in organizations_in_round:
            wanted[(user_id, None, org_id, ConflictKind.AFFILIATION)] = ""

    current = ServiceUnit.coordinators.through.objects.filter(user_id__in=user_ids)
    for unit_id, user_id in current.values_list("serviceunit_id", "user_id"):
        if unit_id in unit_ids:
            wanted[(user_id, unit_id, None, ConflictKind.COORDINATOR)] = ""
    for email, unit_id in _past_coordinators(unit_ids, set(user_of_email)):
        wanted.setdefault((user_of_email[email], unit_id, None, ConflictKind.COORDINATOR),
                          _("a former coordinator (registry history)"))

    if getattr(settings, "COI_PREVIOUS_ROUND", True):
        previous_year = round_obj.year - 1
        for user_id, units in _previous_round_units(round_obj, user_ids).items():
            for unit_id in units & unit_ids:
                wanted[(user_id, unit_id, None, ConflictKind.PREVIOUS_ROUND)] = \
                    _("its team visited the unit in round %(year)s") % {"year": previous_year}

    if not wanted:
        return []
    with transaction.atomic():
        # One detection at a time per round, so two runs cannot both create a conflict.
        Round.objects.select_for_update().filter(pk=round_obj.pk).first()
        existing = set(Conflict.objects.filter(round=round_obj, user_id__in=user_ids)
                       .values_list("user_id", "unit_id", "organization_id", "kind"))
        keys = sorted((key for key in wanted if key not in existing),
                      key=lambda key: tuple(str(part) for part in key))
        if not keys:
            return []
        new = _new_conflicts(round_obj, keys, wanted)
        created = Conflict.objects.bulk_create(new)
        if any(conflict.pk is None for conflict in created):
            created = _reload(round_obj, new)
        log_actions(build_entry(
            "conflict.detected", actor=actor, obj=conflict,
            actor_label="" if actor is not None else "system",
            after={"member": conflict.user.email, "kind": conflict.kind,
                   "unit": conflict.unit.code if conflict.unit_id else None,
                   "organization": (conflict.organization.code if conflict.organization_id
                                    else None),
                   "reason": conflict.reason},
            data={"round": round_obj.year}) for conflict in created)
    return created


def _new_conflicts(round_obj, keys, reasons):
    """Unsaved conflicts for ``keys`` with their member, unit and organisation attached
    (read in bulk), so the audit entries name them without a query each."""
    users = User.objects.in_bulk({key[0] for key in keys})
    units, organizations = {}, {}
    for chunk in _chunks({key[1] for key in keys if key[1]}):
        units.update(ServiceUnit.objects.only("id", "code", "name_th").in_bulk(chunk))
    for chunk in _chunks({key[2] for key in keys if key[2]}):
        organizations.update(Organization.objects.only("id", "code", "name_th")
                             .in_bulk(chunk))
    new = []
    for key in keys:
        user_id, unit_id, org_id, kind = key
        conflict = Conflict(round=round_obj, user=users[user_id], kind=kind,
                            reason=reasons[key],
                            unit=units.get(unit_id) if unit_id else None,
                            organization=organizations.get(org_id) if org_id else None)
        new.append(conflict)
    return new


def _reload(round_obj, new):
    """The rows just made, with their ids (a database that returns none from bulk_create)."""
    keys = {(c.user_id, c.unit_id, c.organization_id, c.kind) for c in new}
    rows = Conflict.objects.filter(round=round_obj, user_id__in={c.user_id for c in new})
    return [c for c in rows.select_related("user", "unit", "organization")
            if (c.user_id, c.unit_id, c.organization_id, c.kind) in keys]
