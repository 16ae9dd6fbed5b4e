"""Conflicts of interest: the one predicate that assignment, scoping and every view use.

A member may not assess an application when a conflict *in force* (not overridden by the
secretariat) links them, in the application's round, to the application's unit or to the
unit's organisation (or that organisation's parent). Conflicts are declared by the member
or detected by :func:`detect_conflicts` (affiliation, coordinator, previous round).
"""

from django.db.models import Q

from gecc.committees.enums import ConflictKind


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


def conflicted_application_ids(user, round_id=None) -> set[int]:
    """Every application (of ``round_id``, or of any round) ``user`` is conflicted with."""
    from gecc.applications.models import Application
    from gecc.committees.models import Conflict

    conflicts = Conflict.objects.in_force().filter(user=user)
    if round_id is not None:
        conflicts = conflicts.filter(round_id=round_id)
    ids = set()
    for round_pk, unit_id, org_id in conflicts.values_list("round_id", "unit_id",
                                                           "organization_id"):
        apps = Application.objects.filter(round_id=round_pk)
        if unit_id:
            apps = apps.filter(unit_id=unit_id)
        else:
            apps = apps.filter(Q(unit__organization_id=org_id)
                               | Q(unit__organization__parent_id=org_id))
        ids.update(apps.values_list("pk", flat=True))
    return ids


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
                 .select_related("user"))
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
