"""The batch (numpy) engine gives the scalar engine's numbers, bit for bit."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gecc.criteria.domain.batch import consolidate_batch, score_batch, score_values_batch
from gecc.criteria.domain.parse import parse_edition
from gecc.criteria.domain.scoring import ScoringError, compile_edition
from gecc.criteria.domain.spec import (
    Category,
    Criterion,
    Edition,
    Item,
    Level,
    LevelRule,
    Scale,
    ScalePoint,
)
from tests.criteria.factories import small_document

NA = math.nan
SCALES = (
    Scale("s4", tuple(ScalePoint(v, str(v)) for v in range(5))),
    Scale("yn", (ScalePoint(0, "no"), ScalePoint(1, "yes"))),
    Scale("odd", tuple(ScalePoint(v, str(v)) for v in (1, 2, 3, 5, 10))),
)
WEIGHTS = [Decimal(w) for w in ("1", "2", "3", "0.5", "1.5", "0.1", "7", "2.25")]
PERCENTS = st.one_of(st.integers(0, 100).map(Decimal),
                     st.sampled_from([Decimal("33.33"), Decimal("66.67"), Decimal("62.5"),
                                      Decimal("87.35")]))


@st.composite
def editions(draw):
    """Random editions: 1–3 categories of 1–3 criteria of 1–4 items, mixed scales and
    weights, mandatory and N/A items, unit types, and levels with every kind of rule."""
    categories, criterion_refs, n = [], [], 0
    for c in range(draw(st.integers(1, 3))):
        criteria = []
        for k in range(draw(st.integers(1, 3))):
            items = []
            for _ in range(draw(st.integers(1, 4))):
                scale = draw(st.sampled_from(SCALES))
                mandatory = draw(st.booleans())
                items.append(Item(
                    ref=f"I{n}", text_th=f"ข้อ {n}", scale=scale.code,
                    weight=draw(st.sampled_from(WEIGHTS)), na_allowed=draw(st.booleans()),
                    mandatory=mandatory,
                    met_score=draw(st.sampled_from(scale.values)) if mandatory else None,
                    applies_to=draw(st.sampled_from([(), (), ("a",), ("b",), ("a", "b")]))))
                n += 1
            criteria.append(Criterion(f"C{c}.{k}", f"เกณฑ์ {c}.{k}", items=tuple(items)))
            criterion_refs.append(f"C{c}.{k}")
        categories.append(Category(f"K{c}", "quality", f"หมวด {c}", criteria=tuple(criteria)))
    category_refs = [category.ref for category in categories]
    levels = []
    for code in ("basic", "advanced", "excellence")[:draw(st.integers(1, 3))]:
        cats = draw(st.lists(st.sampled_from(category_refs), unique=True, max_size=2))
        crits = draw(st.lists(st.sampled_from(criterion_refs), unique=True, max_size=2))
        levels.append(Level(code, code, code, "blue", LevelRule(
            all_mandatory=draw(st.booleans()), min_overall=draw(PERCENTS),
            min_category=tuple((ref, draw(PERCENTS)) for ref in cats),
            min_criterion=tuple((ref, draw(PERCENTS)) for ref in crits))))
    return Edition(standard="T", label="1", revision=1, locale="th", name_th="ทดสอบ",
                   name_en="Test", status="example", default_scale="s4", scales=SCALES,
                   levels=tuple(levels), categories=tuple(categories))


@st.composite
def rounds(draw):
    """A compiled edition (for a random unit type) and raw scores of a small round."""
    compiled = compile_edition(draw(editions()), draw(st.sampled_from([None, "a", "b"])))
    apps, assessors = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    na = draw(st.sampled_from([0.0, 0.2, 0.6, 1.0]))
    scores = np.empty((apps, len(compiled.refs), assessors))
    for index in range(len(compiled.refs)):
        points = sorted(compiled.allowed[index])
        for a in range(apps):
            for j in range(assessors):
                if draw(st.floats(0, 1)) < na:
                    scores[a, index, j] = NA
                else:
                    scores[a, index, j] = draw(st.sampled_from(points))
    return compiled, scores


def _scalar(compiled, scores, strategy, chair=None):
    """Each application through the scalar engine: consolidate, then score."""
    out = []
    for sheet in scores:
        sheets = [[None if math.isnan(v) else int(v) for v in sheet[:, j]]
                  for j in range(sheet.shape[1])]
        chair_values = sheets[chair] if chair is not None else None
        values, spread = compiled.consolidate_values(sheets, strategy, chair_values)
        out.append((values, spread, compiled.score_values(values)))
    return out


def _none(array):
    return [None if math.isnan(v) else v for v in array]


def _assert_agree(compiled, scores, strategy, chair=None):
    batch = score_batch(compiled, scores, strategy, chair)
    _, spread = consolidate_batch(scores, strategy, chair)
    assert len(batch) == scores.shape[0]
    for i, (values, expected_spread, expected) in enumerate(_scalar(compiled, scores, strategy,
                                                                     chair)):
        assert batch.value_list(i) == values
        assert _none(spread[i]) == expected_spread
        assert batch.summary(i) == {k: v for k, v in expected.as_dict().items()
                                    if k != "explanation"}
        assert batch.result(i) == expected


@settings(max_examples=150, deadline=None)
@given(rounds(), st.sampled_from(["median", "mean"]))
def test_batch_agrees_with_scalar_engine(round_, strategy):
    compiled, scores = round_
    _assert_agree(compiled, scores, strategy)


@settings(max_examples=50, deadline=None)
@given(rounds(), st.data())
def test_batch_chair_agrees_with_scalar_engine(round_, data):
    compiled, scores = round_
    _assert_agree(compiled, scores, "chair", data.draw(st.integers(0, scores.shape[2] - 1)))


@settings(max_examples=100, deadline=None)
@given(editions(), st.data())
def test_batch_team_values_between_points_agree(edition, data):
    compiled = compile_edition(edition)
    apps = data.draw(st.integers(1, 5))
    values = np.array([[data.draw(st.one_of(st.just(NA), st.floats(0, 10, width=64)))
                        for _ in compiled.refs] for _ in range(apps)]).reshape(apps, -1)
    batch = score_values_batch(compiled, values)
    for i in range(apps):
        expected = compiled.score_values(_none(values[i]))
        assert batch.summary(i) == {k: v for k, v in expected.as_dict().items()
                                    if k != "explanation"}


# -- hand-computed examples on the small edition ---------------------------------------------
# Items: P1.1 (s4, weight 2, mandatory met at 2), P1.2 (yes/no, weight 1, N/A allowed),
# Q1.1 (s4, weight 1), Q1.2 (s4, weight 1, N/A allowed). Levels: basic ≥ 50; advanced ≥ 70
# and P ≥ 60; excellence ≥ 85 and Q1 ≥ 80.


@pytest.fixture(scope="module")
def compiled():
    return compile_edition(parse_edition(small_document()))


def test_score_batch_hand_example(compiled):
    scores = np.array([
        # P1.1        P1.2          Q1.1       Q1.2
        [[4, 3, 1], [1, NA, 0], [2, 2, 4], [NA, NA, NA]],
        [[1, 1, 4], [0, 0, 0], [4, 4, 4], [4, 3, NA]],
    ], dtype=float)
    batch = score_batch(compiled, scores, "median")
    # Application 0: medians 3, 0.5 (even count), 2, N/A.
    # P1: (2×3/4 + 1×0.5/1) / 3 = 66.67; Q1: 2/4 = 50; overall (1.5 + 0.5 + 0.5) / 4 = 62.5.
    # Application 1: medians 1, 0, 4, 3.5; P1.1 = 1 < 2 fails the mandatory item.
    # P1: (2×1/4) / 3 = 16.67; Q1: (1 + 3.5/4) / 2 = 93.75; overall (0.5 + 1.875) / 5 = 47.5.
    assert batch.value_list(0) == [3.0, 0.5, 2.0, None]
    assert batch.overall.tolist() == [62.5, 47.5]
    assert batch.categories.tolist() == [[66.67, 50.0], [16.67, 93.75]]
    assert batch.criteria.tolist() == [[66.67, 50.0], [16.67, 93.75]]
    assert batch.failed_refs(0) == []
    assert batch.failed_refs(1) == ["P1.1"]
    assert [batch.level_code(0), batch.level_code(1)] == ["basic", None]
    assert batch.result(0).explanation[0] == {
        "level": "advanced", "rule": "min_overall", "required": 70.0, "actual": 62.5,
        "shortfall": 7.5}


def test_score_batch_mean_of_na_column_is_na(compiled):
    scores = np.array([[[2, 3, NA], [NA, NA, NA], [NA, NA, NA], [NA, NA, NA]]])
    batch = score_batch(compiled, scores, "mean")
    assert batch.value_list(0) == [2.5, None, None, None]
    assert batch.overall.tolist() == [62.5]
    assert math.isnan(batch.categories[0, 1])
    assert batch.summary(0)["categories"] == {"P": 62.5, "Q": None}


def test_score_batch_rounds_half_up(compiled):
    # Q1.1 = 0.125 alone: 100 × 0.125 / 4 = 3.125 exactly → 3.13 (half-up, not half-even).
    # P1.1 = 4, Q1.1 = 0: overall 100 × 2 / 3 = 66.666… → 66.67.
    values = np.array([[NA, NA, 0.125, NA], [4.0, NA, 0.0, NA]])
    batch = score_values_batch(compiled, values)
    assert batch.overall.tolist() == [3.13, 66.67]
    assert batch.categories[1].tolist() == [100.0, 0.0]
    assert math.isnan(batch.categories[0, 0])


def test_score_batch_rejects_wrong_shapes_and_strategy(compiled):
    with pytest.raises(ScoringError):
        score_batch(compiled, np.zeros((2, 4)), "median")
    with pytest.raises(ScoringError):
        score_batch(compiled, np.zeros((2, 4, 3)), "mode")
    with pytest.raises(ScoringError):
        score_batch(compiled, np.zeros((2, 4, 3)), "chair")
    with pytest.raises(ScoringError):
        score_values_batch(compiled, np.zeros((2, 3)))
