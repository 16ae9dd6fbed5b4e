"""Assigning a round's accepted applications to its sub-committees: the proposal computed by
the solver (``solver.solve_assignment``), moves and locks by hand, and the confirmation.

Every change is one function: guard → save → audit → notify, inside one transaction.

* :func:`build_problem` turns the round into an ``AssignmentProblem`` (teams, visits, the
  conflicts of interest as forbidden pairs, the locked assignments as fixed) after checking
  what the solver cannot fix itself; every problem found is named in one ``ValidationError``.
* :func:`run_assignment` solves it *outside* any transaction (so a progress bar can be read
  while it runs), then, in one transaction, checks that the round still gives the same
  problem and replaces every assignment that is neither locked nor confirmed. All or
  nothing; one audit entry (``assignment.proposed``) for the round, not one per row.
* :func:`move_application`, :func:`lock_assignment`, :func:`unlock_assignment`: by hand.
  A move after the confirmation is allowed, audited and sent to both teams' members.
* :func:`confirm_assignments`: every accepted application assigned, no conflict in force;
  members then see their team's applications (``Assignment.objects.visible_to``).
* :func:`summary`: per team, the figures the overview page shows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.audit.domain import log_action, person
from gecc.committees.domain import conflicts as conflict_rules
from gecc.committees.domain.assignment_notify import notify_changed, notify_confirmed
from gecc.committees.domain.assignment_summary import (  # noqa: F401  (one entry point)
    Summary,
    TeamRow,
    summary,
    summary_as_data,
)
from gecc.committees.domain.solver import (
    AssignmentInfeasible,
    AssignmentProblem,
    TeamSpec,
    VisitSpec,
    solve_assignment,
)
from gecc.committees.domain.subcommittees import team_problems, with_members
from gecc.committees.enums import AssignmentState
from gecc.committees.models import Assignment, Conflict, Membership, SubCommittee
from gecc.geography.domain.distance import haversine_km
from gecc.rounds.models import Round

DEFAULT_TIME_LIMIT_S = 30.0
PROGRESS_POLL_S = 0.25
NAMED_AT_MOST = 20  # units named one by one in a refusal; the rest are counted


@dataclass
class ProblemContext:
    """What :func:`build_problem` read, by primary key, for saving and naming things."""

    round: Round
    teams: dict = field(default_factory=dict)  # id → SubCommittee
    applications: dict = field(default_factory=dict)  # id → accepted Application
    assignments: dict = field(default_factory=dict)  # application id → Assignment
    forbidden: dict = field(default_factory=dict)  # application id → {team id: reason}

    def distance_km(self, application_id, team_id) -> Decimal:
        lat, lon = self.teams[team_id].base_point()
        unit = self.applications[application_id].unit
        km = haversine_km(lat, lon, unit.latitude, unit.longitude)
        return Decimal(str(round(km, 1)))


def _team_problems(team) -> list[str]:
    """What keeps ``team`` from being assigned visits (the sub-committee module's check:
    chair, member-secretary, visit dates, base, members), each line naming the team."""
    return [_("%(team)s: %(problem)s") % {"team": team.display_name, "problem": problem}
            for problem in team_problems(team)]


def _named(lines: list[str]) -> list[str]:
    if len(lines) <= NAMED_AT_MOST:
        return lines
    rest = len(lines) - NAMED_AT_MOST
    return lines[:NAMED_AT_MOST] + [_("… and %(count)s more like these.") % {"count": rest}]


def build_problem(round_obj) -> tuple[AssignmentProblem, ProblemContext]:
    """The round as an assignment problem, or a ``ValidationError`` listing every problem
    to fix first (in the interface language): teams without chair, member-secretary, base
    or visit dates; units without coordinates; too little capacity; locked assignments to a
    team that now has a conflict. Reads only."""
    context = ProblemContext(round=round_obj)
    teams = list(with_members(SubCommittee.objects.filter(round=round_obj)).order_by("number"))
    applications = list(Application.objects.filter(round=round_obj,
                                                   state=ApplicationState.ACCEPTED)
                        .select_related("unit").order_by("unit__code", "pk"))
    errors = []
    if not teams:
        errors.append(_("This round has no sub-committees yet: create them first."))
    if not applications:
        errors.append(_("No application of this round is accepted for a site visit yet."))
    for team in teams:
        errors.extend(_team_problems(team))
    errors.extend(_named([
        _("The service unit %(unit)s (%(code)s) has no coordinates: add its latitude and "
          "longitude in the registry.") % {"unit": app.unit.name_th, "code": app.unit.code}
        for app in applications if app.unit.latitude is None or app.unit.longitude is None]))
    capacity = sum(team.capacity for team in teams)
    if teams and applications and capacity < len(applications):
        errors.append(_("The total capacity of the sub-committees (%(capacity)s visits) is "
                        "less than the number of accepted applications (%(count)s): add "
                        "visit dates, visits per day or sub-committees.")
                      % {"capacity": capacity, "count": len(applications)})
    context.teams = {team.pk: team for team in teams}
    context.applications = {app.pk: app for app in applications}
    context.assignments = {a.application_id: a for a in Assignment.objects.filter(
        round=round_obj, application_id__in=context.applications)}
    context.forbidden = conflict_rules.forbidden_pairs(round_obj)
    fixed = {}
    for app_id, assignment in context.assignments.items():
        if not (assignment.locked or assignment.state == AssignmentState.CONFIRMED):
            continue
        reason = context.forbidden.get(app_id, {}).get(assignment.subcommittee_id)
        if reason:
            errors.append(_("%(unit)s is locked to %(team)s, which now has a conflict of "
                            "interest with it (%(reason)s): move it to another "
                            "sub-committee or unlock it.")
                          % {"unit": context.applications[app_id].unit.name_th,
                             "team": context.teams[assignment.subcommittee_id].display_name,
                             "reason": reason})
        fixed[app_id] = assignment.subcommittee_id
    if errors:
        raise ValidationError(errors, code="assignment_not_ready")
    problem = AssignmentProblem(
        teams=[TeamSpec(team.pk, *team.base_point(), team.capacity, team.display_name)
               for team in teams],
        visits=[VisitSpec(app.pk, float(app.unit.latitude), float(app.unit.longitude),
                          app.unit.name_th) for app in applications],
        forbidden=frozenset((app_id, team_id) for app_id, teams_of in context.forbidden.items()
                            for team_id in teams_of),
        fixed=fixed)
    return problem, context


def _lock_round(round_id) -> Round:
    """Serialise the changes of one round's assignments (a run, a move, the confirmation)."""
    return Round.objects.select_for_update().get(pk=round_id)


def _detect_conflicts(round_obj, actor):
    """Refresh the detected conflicts first, when the conflict module can."""
    detect = getattr(conflict_rules, "detect_conflicts", None)
    if detect is not None:
        detect(round_obj, actor)


def run_assignment(round_obj, actor, progress=None, *, request=None):
    """Propose a team for every accepted application that is neither locked nor confirmed:
    the plan of least total distance with balanced loads and no conflict of interest.
    Replaces the earlier proposal (locked and confirmed assignments stay). Raises
    ``ValidationError`` (nothing saved) when the round is not ready or no plan exists.
    ``progress(fraction)`` is called as the work goes on, 1.0 at the end."""
    report = progress or (lambda fraction: None)
    report(0.0)
    _detect_conflicts(round_obj, actor)
    problem, _context = build_problem(round_obj)
    report(0.05)
    limit = float(getattr(settings, "ASSIGNMENT_TIME_LIMIT_S", DEFAULT_TIME_LIMIT_S))
    try:
        plan = _solve(problem, limit, lambda fraction: report(0.05 + 0.85 * fraction))
    except AssignmentInfeasible as exc:
        raise ValidationError(exc.reasons, code="assignment_infeasible") from exc
    with transaction.atomic():
        _lock_round(round_obj.pk)
        again, context = build_problem(round_obj)
        if again != problem:
            raise ValidationError(_("The round changed while the assignment was computed (an "
                                    "application, a lock, a conflict or a sub-committee): "
                                    "run the assignment again."), code="round_changed")
        counts = _save_plan(context, plan, actor)
        log_action("assignment.proposed", actor=actor, obj=round_obj, request=request, data={
            "applications": len(plan.assignment), "replaced": counts["saved"],
            "removed": counts["removed"], "locked": len(problem.fixed),
            "teams": {context.teams[key].display_name: plan.loads[key] for key in plan.loads},
            "total_km": round(plan.total_km, 1), "bounds": list(plan.bounds),
            "status": plan.status, "solve_seconds": round(plan.solve_seconds, 2)})
    report(1.0)
    return plan


def _solve(problem, limit, report):
    """Solve in a thread of its own while this thread reports the progress every
    ``PROGRESS_POLL_S``: the solver calls back from its own threads, where a progress
    callback that writes to the database would open (and leak) a connection per thread."""
    latest, outcome = [0.0], {}
    language = translation.get_language()

    def work():
        with translation.override(language):
            try:
                outcome["plan"] = solve_assignment(problem, time_limit_s=limit,
                                                   progress=lambda f: latest.__setitem__(0, f))
            except BaseException as exc:  # handed to the calling thread
                outcome["error"] = exc

    worker = threading.Thread(target=work, name="assignment-solver", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(PROGRESS_POLL_S)
        report(latest[0])
    if "error" in outcome:
        raise outcome["error"]
    return outcome["plan"]


def _save_plan(context, plan, actor) -> dict:
    now = timezone.now()
    new, changed = [], []
    for app_id, team_id in plan.assignment.items():
        assignment = context.assignments.get(app_id)
        distance = context.distance_km(app_id, team_id)
        if assignment is None:
            new.append(Assignment(round=context.round, application_id=app_id,
                                  subcommittee_id=team_id, distance_km=distance,
                                  updated_by=person(actor)))
            continue
        fixed = assignment.locked or assignment.state == AssignmentState.CONFIRMED
        if fixed and assignment.distance_km == distance:
            continue
        if not fixed:
            assignment.subcommittee_id = team_id
            assignment.updated_by = person(actor)
        assignment.distance_km, assignment.updated_at = distance, now
        changed.append(assignment)
    Assignment.objects.bulk_create(new, batch_size=500)
    Assignment.objects.bulk_update(changed, ["subcommittee", "distance_km", "updated_at",
                                             "updated_by"], batch_size=500)
    # Assignments of applications no longer accepted (withdrawn) go, unless confirmed.
    removed, _by_model = (Assignment.objects.filter(round=context.round)
                          .exclude(application_id__in=list(context.applications))
                          .exclude(state=AssignmentState.CONFIRMED).delete())
    return {"saved": len(new) + len(changed), "removed": removed}


# -- by hand -------------------------------------------------------------------------------


def team_conflict(team, application):
    """The first conflict in force between a member of ``team`` and ``application``."""
    unit = application.unit
    organizations = [unit.organization_id]
    if unit.organization.parent_id:
        organizations.append(unit.organization.parent_id)
    members = Membership.objects.filter(subcommittee=team).values("user_id")
    return (Conflict.objects.in_force()
            .filter(Q(unit_id=unit.pk) | Q(organization_id__in=organizations),
                    round_id=application.round_id, user_id__in=members)
            .select_related("user", "unit", "organization").order_by("pk").first())


def round_confirmed(round_obj) -> bool:
    return Assignment.objects.filter(round=round_obj, state=AssignmentState.CONFIRMED).exists()


def _application_of(target) -> Application:
    application_id = target.application_id if isinstance(target, Assignment) else target.pk
    return (Application.objects.select_related("unit", "unit__organization", "round")
            .get(pk=application_id))


def _refuse_conflict(team, application):
    conflict = team_conflict(team, application)
    if conflict is not None:
        raise ValidationError(
            _("%(team)s cannot visit %(unit)s: %(reason)s.")
            % {"team": team.display_name, "unit": application.unit.name_th,
               "reason": conflict_rules.conflict_reason(conflict)}, code="conflict")


@transaction.atomic
def move_application(target, subcommittee, actor, lock=True, *, request=None) -> Assignment:
    """Put an accepted application (or the application of an assignment) with
    ``subcommittee``, locked by default so a new run keeps it there. Refused for a team
    with a conflict of interest (named). After the confirmation the assignment stays
    confirmed and the members of both teams are told (``assignment.changed``)."""
    application = _application_of(target)
    _lock_round(application.round_id)
    if application.state != ApplicationState.ACCEPTED:
        raise ValidationError(_("Only an application accepted for a site visit can be "
                                "assigned to a sub-committee."), code="not_accepted")
    if subcommittee.round_id != application.round_id:
        raise ValidationError(_("This sub-committee belongs to another round."),
                              code="other_round")
    _refuse_conflict(subcommittee, application)
    assignment = (Assignment.objects.select_for_update().select_related("subcommittee")
                  .filter(application=application).first())
    before_team = assignment.subcommittee if assignment else None
    if assignment is not None and before_team.pk == subcommittee.pk:
        return lock_assignment(assignment, actor, request=request) if lock else assignment
    confirmed = (assignment.state == AssignmentState.CONFIRMED if assignment
                 else round_confirmed(application.round))
    before = {"subcommittee": before_team.display_name if before_team else None,
              "locked": assignment.locked if assignment else False}
    if assignment is None:
        assignment = Assignment(round_id=application.round_id, application=application)
    assignment.subcommittee = subcommittee
    assignment.locked = bool(lock)
    assignment.state = AssignmentState.CONFIRMED if confirmed else AssignmentState.PROPOSED
    assignment.updated_by = person(actor)
    point = subcommittee.base_point()
    unit = application.unit
    assignment.distance_km = (Decimal(str(round(haversine_km(*point, unit.latitude,
                                                             unit.longitude), 1)))
                              if point and unit.latitude is not None
                              and unit.longitude is not None else None)
    assignment.save()
    log_action("assignment.moved", actor=actor, obj=application, request=request,
               before=before, after={"subcommittee": subcommittee.display_name,
                                     "locked": assignment.locked},
               data={"unit": unit.code, "confirmed": confirmed})
    if confirmed:
        notify_changed(assignment, before_team, actor)
    return assignment


def _set_lock(assignment, actor, locked, request):
    assignment = (Assignment.objects.select_for_update()
                  .select_related("subcommittee").get(pk=assignment.pk))
    if assignment.locked == locked:
        return assignment
    if locked:
        _refuse_conflict(assignment.subcommittee, _application_of(assignment))
    assignment.locked = locked
    assignment.updated_by = person(actor)
    assignment.save(update_fields=["locked", "updated_by", "updated_at"])
    log_action("assignment.locked" if locked else "assignment.unlocked", actor=actor,
               obj=assignment.application, request=request,
               before={"locked": not locked}, after={"locked": locked},
               data={"subcommittee": assignment.subcommittee.display_name})
    return assignment


@transaction.atomic
def lock_assignment(assignment, actor, *, request=None) -> Assignment:
    """Keep the assignment where it is when the assignment runs again."""
    return _set_lock(assignment, actor, True, request)


@transaction.atomic
def unlock_assignment(assignment, actor, *, request=None) -> Assignment:
    """Let the next run move the assignment again."""
    return _set_lock(assignment, actor, False, request)


# -- confirmation --------------------------------------------------------------------------


@transaction.atomic
def confirm_assignments(round_obj, actor, *, request=None) -> int:
    """Confirm the round's assignments: every accepted application assigned, no conflict of
    interest in force, every team with a chair and a member-secretary. Each team's members
    are then told which applications they visit (``assignment.confirmed``, one message per
    member). Returns how many assignments were confirmed now."""
    _lock_round(round_obj.pk)
    accepted = dict(Application.objects.filter(round=round_obj,
                                               state=ApplicationState.ACCEPTED)
                    .values_list("pk", "unit__name_th"))
    assignments = list(Assignment.objects.filter(round=round_obj, application_id__in=accepted)
                       .select_related("subcommittee"))
    errors = []
    if not accepted:
        errors.append(_("No application of this round is accepted for a site visit yet."))
    missing = sorted(set(accepted) - {a.application_id for a in assignments})
    if missing:
        errors.append(_("%(count)s accepted applications have no sub-committee yet: "
                        "%(units)s. Run the assignment or assign them by hand.")
                      % {"count": len(missing), "units": ", ".join(
                          accepted[pk] for pk in missing[:NAMED_AT_MOST])
                          + (" …" if len(missing) > NAMED_AT_MOST else "")})
    forbidden = conflict_rules.forbidden_pairs(round_obj)
    errors.extend(_named([
        _("%(unit)s is assigned to %(team)s, which has a conflict of interest with it "
          "(%(reason)s).") % {"unit": accepted[a.application_id],
                              "team": a.subcommittee.display_name, "reason": reason}
        for a in assignments
        if (reason := forbidden.get(a.application_id, {}).get(a.subcommittee_id))]))
    teams = {a.subcommittee_id: a.subcommittee for a in assignments}
    for team in with_members(SubCommittee.objects.filter(pk__in=teams)):
        errors.extend(_team_problems(team))
    proposed = [a.pk for a in assignments if a.state == AssignmentState.PROPOSED]
    if not errors and not proposed:
        errors.append(_("Every assignment of this round is already confirmed."))
    if errors:
        raise ValidationError(errors, code="cannot_confirm")
    Assignment.objects.filter(pk__in=proposed).update(
        state=AssignmentState.CONFIRMED, updated_at=timezone.now(),
        updated_by=person(actor))
    counts = {}
    for assignment in assignments:
        name = assignment.subcommittee.display_name
        counts[name] = counts.get(name, 0) + 1
    log_action("assignment.confirmed", actor=actor, obj=round_obj, request=request,
               data={"applications": len(assignments), "confirmed": len(proposed),
                     "teams": counts})
    notify_confirmed(round_obj, list(teams.values()), actor)
    return len(proposed)
