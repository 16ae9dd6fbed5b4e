"""The figures of a round's assignment, per sub-committee: what the overview page, the
finished run and the export show (``summary``; re-exported by ``domain.assignment``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.committees.domain import conflicts as conflict_rules
from gecc.committees.domain.solver import DEFAULT_TOLERANCE, load_bounds
from gecc.committees.enums import AssignmentState
from gecc.committees.models import Assignment, SubCommittee


@dataclass
class TeamRow:
    team: SubCommittee
    count: int
    capacity: int
    load_pct: int  # the count as a percentage of the mean load
    within_bounds: bool
    total_km: float
    mean_km: float
    conflicts: int
    locked: int
    confirmed: int


@dataclass
class Summary:
    rows: list
    accepted: int
    assigned: int
    confirmed: int
    locked: int
    capacity: int
    total_km: float
    mean: float
    bounds: tuple
    tolerance_pct: int

    @property
    def unassigned(self) -> int:
        return self.accepted - self.assigned

    @property
    def conflicts(self) -> int:
        return sum(row.conflicts for row in self.rows)


def summary(round_obj) -> Summary:
    """Per team: assigned count, capacity, load against the mean, distances, conflicts and
    locks, for the round's accepted applications; and the load bounds (mean ± 10 %)."""
    teams = list(SubCommittee.objects.filter(round=round_obj).order_by("number"))
    accepted = Application.objects.filter(round=round_obj,
                                          state=ApplicationState.ACCEPTED).count()
    assignments = Assignment.objects.filter(round=round_obj,
                                            application__state=ApplicationState.ACCEPTED)
    figures = {row["subcommittee_id"]: row for row in assignments.values("subcommittee_id")
               .annotate(count=Count("pk"), km=Sum("distance_km"),
                         locked=Count("pk", filter=Q(locked=True)),
                         confirmed=Count("pk", filter=Q(state=AssignmentState.CONFIRMED)))
               .order_by()}
    forbidden = conflict_rules.forbidden_pairs(round_obj)
    conflicted = {}
    if forbidden:
        for app_id, team_id in assignments.values_list("application_id", "subcommittee_id"):
            if team_id in forbidden.get(app_id, {}):
                conflicted[team_id] = conflicted.get(team_id, 0) + 1
    bounds = load_bounds(accepted, len(teams))
    mean = accepted / len(teams) if teams else 0.0
    rows = []
    for team in teams:
        row = figures.get(team.pk, {})
        count, km = row.get("count", 0), float(row.get("km") or 0)
        rows.append(TeamRow(
            team=team, count=count, capacity=team.capacity,
            load_pct=round(100 * count / mean) if mean else 0,
            within_bounds=bounds[0] <= count <= bounds[1] and count <= team.capacity,
            total_km=round(km, 1), mean_km=round(km / count, 1) if count else 0.0,
            conflicts=conflicted.get(team.pk, 0), locked=row.get("locked", 0),
            confirmed=row.get("confirmed", 0)))
    return Summary(rows=rows, accepted=accepted, assigned=sum(r.count for r in rows),
                   confirmed=sum(r.confirmed for r in rows),
                   locked=sum(r.locked for r in rows),
                   capacity=sum(r.capacity for r in rows),
                   total_km=round(sum(r.total_km for r in rows), 1), mean=round(mean, 1),
                   bounds=bounds, tolerance_pct=round(DEFAULT_TOLERANCE * 100))


def summary_as_data(round_obj) -> dict:
    """The summary as JSON (kept on a finished ``AssignmentRun``)."""
    figures = summary(round_obj)
    return {"accepted": figures.accepted, "assigned": figures.assigned,
            "total_km": figures.total_km, "bounds": list(figures.bounds),
            "teams": [{"team": row.team.display_name, "count": row.count,
                       "capacity": row.capacity, "load_pct": row.load_pct,
                       "total_km": row.total_km, "mean_km": row.mean_km,
                       "locked": row.locked} for row in figures.rows],
            "at": timezone.now().isoformat()}
