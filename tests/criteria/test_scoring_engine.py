"""The scoring engine on hand-computed examples, one per rule type."""

import pytest

from gecc.criteria.domain.parse import parse_edition
from gecc.criteria.domain.scoring import (
    ScoringError,
    compile_edition,
    consolidate,
    round_percent,
    score_application,
)
from tests.criteria.factories import small_document

# Items of the small edition: P1.1 (s4, weight 2, mandatory met at 2), P1.2 (yes/no,
# weight 1, N/A allowed), Q1.1 (s4, weight 1), Q1.2 (s4, weight 1, N/A allowed, local only).
# Levels: basic ≥ 50; advanced ≥ 70 and category P ≥ 60; excellence ≥ 85 and Q1 ≥ 80.


@pytest.fixture(scope="module")
def edition():
    return parse_edition(small_document())


def test_score_weighted_with_na_removed(edition):
    result = score_application(edition, {"P1.1": 4, "P1.2": 1, "Q1.1": 2, "Q1.2": None})
    # (2×4/4 + 1×1/1 + 1×2/4) / (2 + 1 + 1) = 3.5 / 4
    assert result.overall_percent == 87.5
    assert result.categories == {"P": 100.0, "Q": 50.0}
    assert result.criteria == {"P1": 100.0, "Q1": 50.0}
    assert result.mandatory_failed == []


def test_score_min_criterion_rule_fails_by_shortfall(edition):
    result = score_application(edition, {"P1.1": 4, "P1.2": 1, "Q1.1": 2, "Q1.2": None})
    assert result.level == "advanced"
    assert result.explanation == [{"level": "excellence", "rule": "min_criterion", "ref": "Q1",
                                   "required": 80.0, "actual": 50.0, "shortfall": 30.0}]


def test_score_min_category_rule_fails_by_shortfall(edition):
    # P: (2×2/4 + 0) / 3 = 33.33; overall (1 + 0 + 1 + 1) / 5 = 60
    result = score_application(edition, {"P1.1": 2, "P1.2": 0, "Q1.1": 4, "Q1.2": 4})
    assert result.overall_percent == 60.0
    assert result.categories["P"] == 33.33
    assert result.level == "basic"
    assert result.explanation == [
        {"level": "advanced", "rule": "min_overall", "required": 70.0, "actual": 60.0,
         "shortfall": 10.0},
        {"level": "advanced", "rule": "min_category", "ref": "P", "required": 60.0,
         "actual": 33.33, "shortfall": 26.67},
        {"level": "excellence", "rule": "min_overall", "required": 85.0, "actual": 60.0,
         "shortfall": 25.0},
        {"level": "excellence", "rule": "min_category", "ref": "P", "required": 60.0,
         "actual": 33.33, "shortfall": 26.67},
    ]


def test_score_min_overall_rule_fails_by_shortfall(edition):
    # (2×2/4 + 0 + 1×1/4) / 4 = 31.25
    result = score_application(edition, {"P1.1": 2, "P1.2": 0, "Q1.1": 1})
    assert result.overall_percent == 31.25
    assert result.level is None
    assert result.explanation[0] == {"level": "basic", "rule": "min_overall", "required": 50.0,
                                     "actual": 31.25, "shortfall": 18.75}


def test_score_mandatory_rule_fails(edition):
    result = score_application(edition, {"P1.1": 1, "P1.2": 1, "Q1.1": 4, "Q1.2": 4})
    # overall (0.5 + 1 + 1 + 1) / 5 = 70, P = 1.5/3 = 50
    assert result.overall_percent == 70.0
    assert result.mandatory_failed == ["P1.1"]
    assert result.level is None
    # The shape of every rule (required, actual, shortfall; counted in items here), with
    # the items not met as an extra.
    assert result.explanation[0] == {"level": "basic", "rule": "all_mandatory",
                                     "required": 1, "actual": 0, "shortfall": 1,
                                     "failed_items": ["P1.1"]}


def test_every_failed_rule_has_required_actual_and_shortfall(edition):
    result = score_application(edition, {"P1.1": 0, "P1.2": 0, "Q1.1": 1, "Q1.2": 0})
    assert {reason["rule"] for reason in result.explanation} >= {"all_mandatory",
                                                                 "min_overall"}
    for reason in result.explanation:
        assert {"level", "rule", "required", "actual", "shortfall"} <= set(reason)
        if reason["actual"] is not None:
            assert reason["shortfall"] == pytest.approx(reason["required"] - reason["actual"])


def test_score_all_rules_hold_gives_top_level(edition):
    result = score_application(edition, {"P1.1": 4, "P1.2": 1, "Q1.1": 4, "Q1.2": 3})
    assert result.level == "excellence"
    assert result.explanation == []


def test_score_unit_type_leaves_out_items_that_do_not_apply(edition):
    compiled = compile_edition(edition, unit_type="province")
    assert compiled.refs == ["P1.1", "P1.2", "Q1.1"]
    assert compiled.score({"P1.1": 4, "P1.2": 1, "Q1.1": 0}).overall_percent == 75.0


def test_score_rejects_unknown_item_off_scale_and_na(edition):
    with pytest.raises(ScoringError) as caught:
        score_application(edition, {"X9": 1, "P1.1": 5, "Q1.1": None})
    assert caught.value.problems == [
        "unknown item reference 'X9'",
        "item P1.1: score 5 is not on the scale (0, 1, 2, 3, 4)",
        "item Q1.1: N/A is not allowed",
    ]


def test_check_sheet_reports_missing_mandatory(edition):
    assert compile_edition(edition).check_sheet({"Q1.1": 1}, who="a1") == [
        "a1: mandatory item P1.1 has no score"]


def test_round_percent_is_half_up():
    assert round_percent(12.345) == 12.35
    assert round_percent(100 / 3) == 33.33
    assert round_percent(200 / 3) == 66.67
    assert round_percent(None) is None


def test_consolidate_median_mean_and_spread(edition):
    sheets = {"a": {"P1.1": 1, "Q1.1": 4, "P1.2": None},
              "b": {"P1.1": 3, "Q1.1": 4, "P1.2": None},
              "c": {"P1.1": 4, "Q1.1": 0, "P1.2": 1}}
    median = consolidate(edition, sheets, "median")
    assert median.values == {"P1.1": 3, "P1.2": 1, "Q1.1": 4}
    assert median.spread == {"P1.1": 3, "P1.2": 0, "Q1.1": 4}
    mean = consolidate(edition, sheets, "mean")
    assert mean.values == {"P1.1": 8 / 3, "P1.2": 1.0, "Q1.1": 8 / 3}


def test_consolidate_median_of_even_count_and_all_na(edition):
    sheets = {"a": {"P1.1": 1, "P1.2": None}, "b": {"P1.1": 4, "P1.2": None}}
    team = consolidate(edition, sheets, "median")
    assert team.values == {"P1.1": 2.5, "P1.2": None}
    assert team.spread == {"P1.1": 3, "P1.2": None}


def test_consolidate_chair_takes_chair_values(edition):
    sheets = {"a": {"P1.1": 1}, "chair": {"P1.1": 3}, "c": {"P1.1": 4}}
    team = consolidate(edition, sheets, "chair", chair="chair")
    assert team.values == {"P1.1": 3}
    assert team.spread == {"P1.1": 3}


def test_consolidate_chair_missing_item_is_an_error(edition):
    with pytest.raises(ScoringError) as caught:
        consolidate(edition, {"a": {"P1.1": 1}, "chair": {}}, "chair", chair="chair")
    assert caught.value.problems == ["the chair has no score for item P1.1"]


def test_consolidate_unknown_strategy(edition):
    with pytest.raises(ScoringError):
        consolidate(edition, {"a": {"P1.1": 1}}, "mode")


def test_score_team_values_between_points_are_accepted(edition):
    result = score_application(edition, {"P1.1": 2.5, "Q1.1": 4}, team=True)
    assert result.overall_percent == 75.0  # (2×2.5/4 + 1) / 3
    with pytest.raises(ScoringError):
        score_application(edition, {"P1.1": 2.5})
    with pytest.raises(ScoringError):
        score_application(edition, {"P1.1": 4.5}, team=True)
