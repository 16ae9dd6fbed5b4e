"""Assessor calibration of a round: who scores high or low against their co-members, and
which sub-committee proposes higher or lower levels than the country as a whole.

Computed with numpy/pandas over the whole round in a handful of queries (the scores are read
in one), never per assessor or per application.

**Leniency (per assessor).** The raw scores are the members' own item scores
(``scoring.ItemScore`` of every score sheet of the round's applications, drafts included:
calibration is watched while the visits go on). Only numeric values count; an item marked
N/A or not scored yet is left out. A *cell* is one (application, item) pair. For each cell
with at least two numeric scores:

    z = (x − mean of the cell) / SD of the cell

where the SD is the population standard deviation (divide by n, not n − 1) of the cell's
scores. A cell whose scores are all equal (SD 0) gives z = 0 to everyone: they agreed. A
cell with a single numeric score says nothing about anyone and is left out. An assessor's
**leniency** is the mean of their z over the cells they scored (``cells`` counts them):
above 0 they score higher than their co-members on the same items, below 0 lower; ±1 means
one cell standard deviation on average. Flagged when ``|leniency| > z threshold``
(``settings.CALIBRATION_Z_THRESHOLD``).

**Level (per sub-committee).** Each application's proposed level is the ``result_level``
of its *locked* team sheet, turned into an index: no level = 0, then the round edition's
levels in their order (``EditionVersion.levels``, lowest first) = 1, 2, 3… A code the
edition does not know is left out. A sub-committee's mean index is compared with the
national mean (every locked team sheet of the round, each application counting once);
``difference = team mean − national mean``, flagged when ``|difference| > level threshold``
(``settings.CALIBRATION_LEVEL_THRESHOLD``). The mean proposed percentage
(``result_percent``) is given beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

ORDERS = ("magnitude", "high", "low", "name")  # |value| descending is the default


@dataclass(frozen=True)
class LevelScale:
    """The round edition's levels as indexes: ``index[code]`` (no level = 0)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def index(self) -> dict[str, int]:
        return {"": 0, **{code: number for number, code in enumerate(self.codes, start=1)}}

    @property
    def steps(self) -> list[tuple[int, str]]:
        """``[(index, name)]``, 0 for "no level" named by the caller."""
        return list(enumerate(self.names, start=1))


@dataclass
class AssessorRow:
    assessor_id: int
    name: str
    email: str
    teams: list[str]
    scores: int  # numeric scores given (single-member cells included)
    mean_score: float | None
    cells: int  # cells compared (two or more numeric scores)
    leniency: float | None  # mean z over those cells
    flagged: bool = False


@dataclass
class TeamRow:
    team_id: int
    number: int
    name: str
    results: int  # locked team sheets whose level is known
    level_counts: list[int]  # per index: no level, level 1, level 2…
    mean_level: float | None
    difference: float | None  # mean_level − national mean
    mean_percent: float | None
    flagged: bool = False


@dataclass
class Calibration:
    round: object
    z_threshold: float
    level_threshold: float
    levels: LevelScale
    assessors: list[AssessorRow] = field(default_factory=list)
    teams: list[TeamRow] = field(default_factory=list)
    score_count: int = 0  # numeric scores read
    cell_count: int = 0  # cells with two or more numeric scores
    results: int = 0  # locked team sheets counted
    national_level: float | None = None
    national_percent: float | None = None
    national_counts: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.score_count and not self.results

    @property
    def flagged_assessors(self) -> list[AssessorRow]:
        return [row for row in self.assessors if row.flagged]

    @property
    def flagged_teams(self) -> list[TeamRow]:
        return [row for row in self.teams if row.flagged]


def level_scale(edition_version) -> LevelScale:
    """The edition's levels in order, lowest first (as the criteria file lists them)."""
    from gecc.criteria.interfaces.labels import level_display_name

    levels = [level for level in (edition_version.levels or []) if isinstance(level, dict)]
    return LevelScale(tuple(str(level.get("code", "")) for level in levels),
                      tuple(level_display_name(level) for level in levels))


def read_scores(round_obj):
    """Every numeric member score of the round as four numpy arrays (application, item,
    assessor, value), in one query read through the driver's cursor (no model objects)."""
    import numpy as np

    from gecc.scoring.models import ItemScore

    queryset = ItemScore.objects.filter(
        sheet__application__round=round_obj, value__isnull=False,
        not_applicable=False).values_list(
        "sheet__application_id", "item_id", "sheet__assessor_id", "value").order_by()
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0)
    application, item, assessor, value = zip(*rows, strict=True)
    return (np.fromiter(application, np.int64, len(rows)),
            np.fromiter(item, np.int64, len(rows)),
            np.fromiter(assessor, np.int64, len(rows)),
            np.fromiter(value, np.float64, len(rows)))


def leniency_table(application, item, assessor, value):
    """``({assessor: (scores, mean score, cells, leniency)}, cells compared)`` (the
    definition is in the module docstring)."""
    import numpy as np
    import pandas as pd

    if not len(value):
        return {}, 0
    cell_key = application * (int(item.max()) + 1) + item
    _keys, cell = np.unique(cell_key, return_inverse=True)
    count = np.bincount(cell)
    mean = np.bincount(cell, weights=value) / count
    deviation = value - mean[cell]
    sd = np.sqrt(np.bincount(cell, weights=deviation * deviation) / count)
    by_cell = pd.Series(value).groupby(cell)
    agreed = (by_cell.max() - by_cell.min()).to_numpy() == 0  # exact, whatever rounding
    compared = count[cell] >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(agreed[cell], 0.0, deviation / sd[cell])
    frame = pd.DataFrame({"assessor": assessor, "value": value,
                          "z": np.where(compared, z, np.nan)})
    summary = frame.groupby("assessor").agg(scores=("value", "size"),
                                            mean_score=("value", "mean"),
                                            cells=("z", "count"), leniency=("z", "mean"))
    table = {int(assessor_id): (int(scores), float(mean_score), int(cells),
                                None if math.isnan(leniency) else float(leniency))
             for assessor_id, scores, mean_score, cells, leniency in summary.itertuples()}
    return table, int((count >= 2).sum())


def _mean(values):
    return sum(values) / len(values) if values else None


def calibrate(round_obj, *, z_threshold=None, level_threshold=None) -> Calibration:
    """The round's calibration figures (a fixed number of queries, whatever its size)."""
    from gecc.committees.models import SubCommittee
    from gecc.scoring.enums import TeamSheetState
    from gecc.scoring.models import ScoreSheet, TeamSheet

    z_threshold = settings.CALIBRATION_Z_THRESHOLD if z_threshold is None else z_threshold
    level_threshold = (settings.CALIBRATION_LEVEL_THRESHOLD if level_threshold is None
                       else level_threshold)
    levels = level_scale(round_obj.edition)
    result = Calibration(round=round_obj, z_threshold=float(z_threshold),
                         level_threshold=float(level_threshold), levels=levels)

    # Assessors.
    application, item, assessor, value = read_scores(round_obj)
    result.score_count = len(value)
    table, result.cell_count = leniency_table(application, item, assessor, value)
    teams = {team.pk: team for team in SubCommittee.objects.filter(round=round_obj)}
    people, their_teams = {}, {}
    for assessor_id, full_name, email, team_id in (
            ScoreSheet.objects.filter(application__round=round_obj, assessor_id__in=list(table))
            .values_list("assessor_id", "assessor__full_name", "assessor__email",
                         "subcommittee_id").distinct().order_by()):
        people[assessor_id] = (full_name or email, email)
        their_teams.setdefault(assessor_id, set()).add(team_id)
    for assessor_id, (scores, mean_score, cells, leniency) in table.items():
        name, email = people.get(assessor_id, (str(assessor_id), ""))
        team_names = [teams[pk].display_name for pk in sorted(
            their_teams.get(assessor_id, ()), key=lambda pk: teams[pk].number if pk in teams
            else 0) if pk in teams]
        result.assessors.append(AssessorRow(
            assessor_id, name, email, team_names, scores, mean_score, cells, leniency,
            flagged=leniency is not None and abs(leniency) > result.z_threshold))

    # Sub-committees.
    index = levels.index
    steps = len(levels.codes) + 1
    per_team: dict[int, list[int]] = {}
    percents: dict[int, list[float]] = {}
    for team_id, level, percent in TeamSheet.objects.filter(
            application__round=round_obj, state=TeamSheetState.LOCKED).values_list(
            "subcommittee_id", "result_level", "result_percent").order_by():
        if (level or "") in index:
            per_team.setdefault(team_id, []).append(index[level or ""])
        if percent is not None:
            percents.setdefault(team_id, []).append(percent)
    every = [number for values in per_team.values() for number in values]
    every_percent = [number for values in percents.values() for number in values]
    result.results = len(every)
    result.national_level = _mean(every)
    result.national_percent = _mean(every_percent)
    result.national_counts = [every.count(step) for step in range(steps)]
    for team in sorted(teams.values(), key=lambda t: t.number):
        values = per_team.get(team.pk, [])
        mean_level = _mean(values)
        difference = (None if mean_level is None or result.national_level is None
                      else mean_level - result.national_level)
        result.teams.append(TeamRow(
            team.pk, team.number, team.display_name, len(values),
            [values.count(step) for step in range(steps)], mean_level, difference,
            _mean(percents.get(team.pk, [])),
            flagged=difference is not None and abs(difference) > result.level_threshold))
    order_assessors(result.assessors)
    order_teams(result.teams)
    return result


def _ordered(rows, order, value, name):
    """Rows with a value first, in ``order``; rows without one last, by name."""
    with_value = [row for row in rows if value(row) is not None]
    without = sorted((row for row in rows if value(row) is None), key=name)
    if order == "name":
        return sorted(rows, key=name)
    if order == "high":
        with_value.sort(key=lambda row: (-value(row), name(row)))
    elif order == "low":
        with_value.sort(key=lambda row: (value(row), name(row)))
    else:  # magnitude
        with_value.sort(key=lambda row: (-abs(value(row)), name(row)))
    return with_value + without


def order_assessors(rows, order="magnitude"):
    rows[:] = _ordered(rows, order, lambda row: row.leniency, lambda row: (row.name,
                                                                          row.assessor_id))
    return rows


def order_teams(rows, order="magnitude"):
    rows[:] = _ordered(rows, order, lambda row: row.difference, lambda row: (row.number,
                                                                            row.name))
    return rows
