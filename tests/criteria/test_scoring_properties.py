"""Properties the engine must keep for any scores (hypothesis)."""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from gecc.criteria.domain.parse import parse_edition
from gecc.criteria.domain.scoring import compile_edition
from tests.criteria.factories import small_document

EDITION = parse_edition(small_document())
COMPILED = compile_edition(EDITION)
LEVELS = [lv.code for lv in EDITION.levels]


def _rank(level):
    return LEVELS.index(level) if level is not None else -1


def _item_values(compiled):
    out = []
    for index, item in enumerate(compiled.items):
        values = sorted(compiled.allowed[index])
        choices = st.sampled_from(values)
        out.append(st.one_of(st.none(), choices) if item.na_allowed else choices)
    return out


SCORES = st.tuples(*_item_values(COMPILED)).map(list)


@given(SCORES)
def test_every_percentage_is_between_0_and_100(values):
    result = COMPILED.score_values(values)
    percents = [result.overall_percent, *result.categories.values(), *result.criteria.values()]
    assert all(0 <= p <= 100 for p in percents if p is not None)


@given(SCORES, st.data())
def test_raising_one_item_never_lowers_overall_or_level(values, data):
    index = data.draw(st.sampled_from([i for i, v in enumerate(values) if v is not None]
                                      or [None]))
    if index is None:
        return
    higher = [v for v in sorted(COMPILED.allowed[index]) if v > values[index]]
    if not higher:
        return
    raised = list(values)
    raised[index] = data.draw(st.sampled_from(higher))
    before, after = COMPILED.score_values(values), COMPILED.score_values(raised)
    assert after.overall_percent >= before.overall_percent
    assert _rank(after.level) >= _rank(before.level)


@given(SCORES, st.integers(0, 1), st.booleans(), st.integers(1, 9))
def test_adding_an_na_item_changes_nothing(values, criterion, mandatory, weight):
    document = small_document()
    target = document["categories"][criterion]["criteria"][0]["items"]
    target.append({"ref": "NEW.1", "text_th": "ข้อใหม่", "na_allowed": True, "weight": weight,
                   "mandatory": mandatory, "met_score": 4 if mandatory else None})
    extended = compile_edition(parse_edition(document))
    scores = dict(zip(COMPILED.refs, values, strict=True))
    scores["NEW.1"] = None
    before = COMPILED.score_values(values)
    after = extended.score_values([scores[ref] for ref in extended.refs])
    assert after == before


SHEET = st.fixed_dictionaries({ref: st.sampled_from([0, 1, 2, 3, 4])
                               for ref in ("P1.1", "Q1.1")})


@settings(max_examples=60)
@given(st.lists(SHEET, min_size=1, max_size=5), st.randoms(use_true_random=False),
       st.sampled_from(["median", "mean"]))
def test_reordering_assessors_changes_nothing(sheets, rng, strategy):
    shuffled = copy.deepcopy(sheets)
    rng.shuffle(shuffled)
    a = COMPILED.consolidate({f"a{i}": s for i, s in enumerate(sheets)}, strategy)
    b = COMPILED.consolidate({f"b{i}": s for i, s in enumerate(shuffled)}, strategy)
    assert a == b


@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=3, max_size=3),
                min_size=1, max_size=8))
def test_median_flat_matches_general_median(triples):
    flat = [value for triple in triples for value in triple]
    sheets = [flat[j::3] for j in range(3)]
    assert COMPILED.median_flat(flat, 3) == COMPILED.consolidate_values(sheets, "median")[0]


# -- the same properties over generated editions -------------------------------------------
# Any tree shape, weights, scales, N/A and mandatory flags, and level rules that refer to
# categories and criteria: the properties must hold for every edition, not one example.

KINDS = ["physical", "quality", "outcome"]


@st.composite
def editions(draw):
    document = small_document()
    categories = []
    for c in range(draw(st.integers(1, 3))):
        criteria = []
        for k in range(draw(st.integers(1, 3))):
            items = []
            for i in range(draw(st.integers(1, 4))):
                mandatory = draw(st.booleans())
                scale = draw(st.sampled_from(["s4", "yn"]))
                items.append({
                    "ref": f"C{c}.{k}.{i}", "text_th": f"ข้อ {c}.{k}.{i}",
                    "weight": draw(st.integers(1, 5)), "scale": scale,
                    "na_allowed": draw(st.booleans()), "mandatory": mandatory,
                    "met_score": (draw(st.integers(1, 4 if scale == "s4" else 1))
                                  if mandatory else None)})
            criteria.append({"ref": f"C{c}.{k}", "name_th": f"เกณฑ์ {c}.{k}", "items": items})
        categories.append({"ref": f"C{c}", "kind": KINDS[c], "name_th": f"ด้าน {c}",
                           "criteria": criteria})
    document["categories"] = categories
    criterion_refs = [k["ref"] for c in categories for k in c["criteria"]]
    minimums = sorted(draw(st.lists(st.integers(0, 100), min_size=3, max_size=3)))
    document["levels"][0]["rule"] = {"all_mandatory": True, "min_overall": minimums[0]}
    document["levels"][1]["rule"] = {
        "all_mandatory": True, "min_overall": minimums[1],
        "min_category": {categories[0]["ref"]: draw(st.integers(0, 100))}}
    document["levels"][2]["rule"] = {
        "all_mandatory": True, "min_overall": minimums[2],
        "min_criterion": {draw(st.sampled_from(criterion_refs)): draw(st.integers(0, 100))}}
    compiled = compile_edition(parse_edition(document))
    values = [draw(st.one_of(st.none(), st.sampled_from(sorted(compiled.allowed[index])))
                   if item.na_allowed else st.sampled_from(sorted(compiled.allowed[index])))
              for index, item in enumerate(compiled.items)]
    return compiled, values


@settings(max_examples=150)
@given(editions())
def test_generated_editions_keep_every_percentage_between_0_and_100(case):
    compiled, values = case
    result = compiled.score_values(values)
    percents = [result.overall_percent, *result.categories.values(), *result.criteria.values()]
    assert all(0 <= p <= 100 for p in percents if p is not None)


@settings(max_examples=150)
@given(editions(), st.data())
def test_generated_editions_raising_one_item_never_lowers_overall_or_level(case, data):
    compiled, values = case
    raisable = [i for i, v in enumerate(values)
                if v is not None and any(p > v for p in compiled.allowed[i])]
    if not raisable:
        return
    index = data.draw(st.sampled_from(raisable))
    raised = list(values)
    raised[index] = data.draw(st.sampled_from(
        sorted(p for p in compiled.allowed[index] if p > values[index])))
    before, after = compiled.score_values(values), compiled.score_values(raised)
    assert after.overall_percent >= before.overall_percent
    assert _rank(after.level) >= _rank(before.level)
    for ref, percent in before.criteria.items():
        if percent is not None:
            assert after.criteria[ref] >= percent


@settings(max_examples=100)
@given(editions(), st.data(), st.sampled_from(["median", "mean"]))
def test_generated_editions_reordering_assessors_changes_nothing(case, data, strategy):
    compiled, _values = case
    sheet = st.fixed_dictionaries({
        ref: st.sampled_from(sorted(compiled.allowed[index]))
        for index, ref in enumerate(compiled.refs)})
    sheets = data.draw(st.lists(sheet, min_size=1, max_size=5))
    order = data.draw(st.permutations(range(len(sheets))))
    a = compiled.consolidate({f"a{i}": s for i, s in enumerate(sheets)}, strategy)
    b = compiled.consolidate({f"b{i}": sheets[j] for i, j in enumerate(order)}, strategy)
    assert a == b
