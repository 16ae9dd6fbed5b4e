"""Calibration figures (``gecc.scoring.domain.calibration``): assessors' leniency as a mean
z-score against co-members on the same items, and each sub-committee's mean proposed level
against the national mean."""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gecc.rounds.models import Round
from gecc.scoring.domain.calibration import calibrate, leniency_table, order_assessors
from tests.scoring.factories_calibration import (
    NA,
    build_hand_case,
    give_scores,
    lock_result,
    scored_round,
)

pytestmark = pytest.mark.django_db

SQRT_3_2 = math.sqrt(1.5)  # |z| of the outer scores of a cell (a, a+d, a+2d)


@pytest.fixture
def hand_case():
    """Three members X, Y, Z scoring two items of two applications, worked out by hand in
    ``factories_calibration.build_hand_case``."""
    return build_hand_case()


def by_assessor(result):
    return {row.assessor_id: row for row in result.assessors}


def test_leniency_matches_the_hand_computed_case(hand_case):
    rows = by_assessor(calibrate(hand_case.round))
    x, y, z = rows[hand_case.x.pk], rows[hand_case.y.pk], rows[hand_case.z.pk]
    assert x.leniency == pytest.approx((1 + math.sqrt(6)) / 4, abs=1e-12)
    assert y.leniency == pytest.approx(-(1 + SQRT_3_2) / 4, abs=1e-12)
    assert z.leniency == pytest.approx(-1 / math.sqrt(6), abs=1e-12)
    assert (x.cells, y.cells, z.cells) == (4, 4, 3)
    assert (x.scores, y.scores, z.scores) == (4, 4, 3)
    assert (x.mean_score, y.mean_score, z.mean_score) == (3.25, 2.0, 2.0)


def test_summary_counts_scores_and_cells(hand_case):
    result = calibrate(hand_case.round)
    assert (result.score_count, result.cell_count, result.results) == (11, 4, 0)
    assert not result.is_empty


def test_default_order_is_by_magnitude_of_leniency(hand_case):
    result = calibrate(hand_case.round)
    assert [row.assessor_id for row in result.assessors] == [
        hand_case.x.pk, hand_case.y.pk, hand_case.z.pk]
    assert [row.assessor_id for row in order_assessors(result.assessors, "low")] == [
        hand_case.y.pk, hand_case.z.pk, hand_case.x.pk]


def test_flags_follow_the_z_threshold(hand_case, settings):
    settings.CALIBRATION_Z_THRESHOLD = 0.5
    flagged = {row.assessor_id for row in calibrate(hand_case.round).flagged_assessors}
    assert flagged == {hand_case.x.pk, hand_case.y.pk}
    stricter = calibrate(hand_case.round, z_threshold=0.6).flagged_assessors
    assert [row.assessor_id for row in stricter] == [hand_case.x.pk]
    assert calibrate(hand_case.round, z_threshold=0.87).flagged_assessors == []


def test_na_and_unscored_items_are_left_out():
    world = scored_round(applications=1, members=3)
    team = world.teams[0]
    (application,) = world.applications[team.pk]
    x, y, z = world.members[team.pk]
    give_scores(application, x, {"P1.1": 4, "Q1.1": 4})
    give_scores(application, y, {"P1.1": 2, "Q1.1": None})
    give_scores(application, z, {"P1.1": NA, "Q1.1": NA})
    rows = by_assessor(calibrate(world.round))
    # P1.1 has X=4, Y=2 (SD 1): ±1; Q1.1 has only X's score: a single-member cell.
    assert (rows[x.pk].leniency, rows[x.pk].cells, rows[x.pk].scores) == (1.0, 1, 2)
    assert (rows[y.pk].leniency, rows[y.pk].cells, rows[y.pk].scores) == (-1.0, 1, 1)
    assert z.pk not in rows  # no numeric score at all


def test_single_member_cells_are_ignored():
    world = scored_round(applications=1, members=3)
    team = world.teams[0]
    (application,) = world.applications[team.pk]
    x, y, _z = world.members[team.pk]
    give_scores(application, x, {"P1.1": 4})
    give_scores(application, y, {"Q1.1": 0})
    result = calibrate(world.round)
    rows = by_assessor(result)
    assert (rows[x.pk].leniency, rows[x.pk].cells) == (None, 0)
    assert (rows[y.pk].leniency, rows[y.pk].cells) == (None, 0)
    assert (result.score_count, result.cell_count) == (2, 0)
    assert result.flagged_assessors == []


def test_fractional_equal_scores_count_as_agreement():
    """Equal scores give z = 0 exactly, even where the float mean is not exact (0.1 × 3)."""
    import numpy as np

    app, item = np.array([1, 1, 1]), np.array([7, 7, 7])
    table, cells = leniency_table(app, item, np.array([10, 11, 12]),
                                  np.array([0.1, 0.1, 0.1]))
    assert cells == 1
    assert {key: value[3] for key, value in table.items()} == {10: 0.0, 11: 0.0, 12: 0.0}


def test_cells_are_per_application_and_item_across_teams():
    """Members of two teams never share a cell: each team scores its own applications."""
    world = scored_round(teams=2, applications=1, members=2)
    first, second = world.teams
    (a1,), (a2,) = world.applications[first.pk], world.applications[second.pk]
    p, q = world.members[first.pk]
    r, s = world.members[second.pk]
    give_scores(a1, p, {"P1.1": 4})
    give_scores(a1, q, {"P1.1": 0})
    give_scores(a2, r, {"P1.1": 1})
    give_scores(a2, s, {"P1.1": 1})
    rows = by_assessor(calibrate(world.round))
    assert {pk: rows[pk].leniency for pk in (p.pk, q.pk, r.pk, s.pk)} == {
        p.pk: 1.0, q.pk: -1.0, r.pk: 0.0, s.pk: 0.0}
    assert rows[p.pk].teams == [first.display_name]


def test_other_rounds_are_not_read(hand_case):
    other = scored_round(applications=1, members=2, year=2570)
    team = other.teams[0]
    (application,) = other.applications[team.pk]
    for member, score in zip(other.members[team.pk], (0, 4), strict=True):
        give_scores(application, member, {"P1.1": score})
    result = calibrate(hand_case.round)
    assert result.score_count == 11
    assert {row.assessor_id for row in result.assessors} == {
        hand_case.x.pk, hand_case.y.pk, hand_case.z.pk}


# Sub-committee levels.

@pytest.fixture
def level_case():
    """Two teams, three locked results each plus one open (not counted).

    Level index: no level 0, basic 1, advanced 2, excellence 3.
    Team 1: basic, advanced, excellence → mean 2; percentages 55, 72, 90 → 72.3̅.
    Team 2: none, none, basic → mean 1/3; percentages 30, 40, 52 → 40.6̅.
    National: (1+2+3+0+0+1) / 6 = 7/6; difference team 1 = 2 − 7/6 = 5/6,
    team 2 = 1/3 − 7/6 = −5/6.
    """
    world = scored_round(teams=2, applications=4, members=3)
    first, second = world.teams
    for application, level, percent in zip(
            world.applications[first.pk], ("basic", "advanced", "excellence"),
            (55, 72, 90), strict=False):
        lock_result(application, level, percent)
    for application, level, percent in zip(
            world.applications[second.pk], ("", "", "basic"), (30, 40, 52), strict=False):
        lock_result(application, level, percent)
    lock_result(world.applications[first.pk][3], "excellence", 99, locked=False)
    lock_result(world.applications[second.pk][3], "excellence", 99, locked=False)
    return world


def test_team_levels_against_the_national_mean(level_case):
    result = calibrate(level_case.round)
    first, second = level_case.teams
    rows = {row.team_id: row for row in result.teams}
    assert result.results == 6
    assert result.national_level == pytest.approx(7 / 6)
    assert result.national_percent == pytest.approx((55 + 72 + 90 + 30 + 40 + 52) / 6)
    assert result.national_counts == [2, 2, 1, 1]
    assert (rows[first.pk].mean_level, rows[first.pk].results) == (2.0, 3)
    assert rows[first.pk].difference == pytest.approx(5 / 6)
    assert rows[first.pk].mean_percent == pytest.approx(217 / 3)
    assert rows[first.pk].level_counts == [0, 1, 1, 1]
    assert rows[second.pk].mean_level == pytest.approx(1 / 3)
    assert rows[second.pk].difference == pytest.approx(-5 / 6)
    assert rows[second.pk].level_counts == [2, 1, 0, 0]


def test_team_flags_follow_the_level_threshold(level_case, settings):
    settings.CALIBRATION_LEVEL_THRESHOLD = 0.5
    assert len(calibrate(level_case.round).flagged_teams) == 2
    assert calibrate(level_case.round, level_threshold=0.9).flagged_teams == []


def test_a_team_without_a_locked_result_has_no_mean():
    world = scored_round(teams=2, applications=1, members=2)
    first, second = world.teams
    lock_result(world.applications[first.pk][0], "advanced", 80)
    rows = {row.team_id: row for row in calibrate(world.round).teams}
    assert (rows[first.pk].mean_level, rows[first.pk].difference) == (2.0, 0.0)
    assert (rows[second.pk].results, rows[second.pk].mean_level,
            rows[second.pk].difference, rows[second.pk].flagged) == (0, None, None, False)
    assert [row.team_id for row in calibrate(world.round).teams] == [first.pk, second.pk]


def test_unknown_level_codes_are_left_out():
    world = scored_round(applications=2, members=2)
    team = world.teams[0]
    a1, a2 = world.applications[team.pk]
    lock_result(a1, "platinum", 95)
    lock_result(a2, "basic", 60)
    result = calibrate(world.round)
    assert (result.results, result.national_level) == (1, 1.0)


def test_levels_follow_the_edition_order(level_case):
    levels = calibrate(level_case.round).levels
    assert levels.index == {"": 0, "basic": 1, "advanced": 2, "excellence": 3}


def test_an_empty_round_is_empty():
    world = scored_round(teams=1, applications=1, members=2)
    result = calibrate(world.round)
    assert result.is_empty
    assert (result.assessors, result.score_count, result.national_level) == ([], 0, None)
    assert [(row.results, row.mean_level) for row in result.teams] == [(0, None)]


@pytest.mark.parametrize("applications", [1, 3])
def test_query_count_does_not_grow_with_the_round(applications):
    world = scored_round(teams=2, applications=applications, members=3)
    for team in world.teams:
        for application in world.applications[team.pk]:
            for score, member in enumerate(world.members[team.pk]):
                give_scores(application, member, {"P1.1": score, "Q1.1": 4 - score})
            lock_result(application, "basic", 60)
    round_obj = Round.objects.get(pk=world.round.pk)  # its edition not loaded yet
    with CaptureQueriesContext(connection) as queries:
        result = calibrate(round_obj)
    assert len(result.assessors) == 6
    assert len(queries) == 5  # edition (for the levels), scores, teams, members, results
