"""Every validation error names the path in the file and the reason."""

import pytest
from django.utils import translation

from gecc.criteria.domain.parse import CriteriaError, edition_to_dict, parse_edition
from tests.criteria.factories import small_document


def _item(doc, c=0, k=0, i=0):
    return doc["categories"][c]["criteria"][k]["items"][i]


def _set(path_value):
    def mutate(doc):
        *keys, last = path_value[0]
        target = doc
        for key in keys:
            target = target[key]
        target[last] = path_value[1]
    return mutate


def _delete(*keys):
    def mutate(doc):
        target = doc
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]
    return mutate


CASES = {
    "missing section": (_delete("levels"), "levels", "required"),
    "section not a list": (_set((["categories"], {"P": 1})), "categories", "not_list"),
    "empty categories": (_set((["categories"], [])), "categories", "empty"),
    "unknown field": (_set((["edition", "colour"], "red")), "edition.colour", "unknown_field"),
    "meta not mapping": (_set((["edition"], "GECC")), "edition", "not_mapping"),
    "missing standard": (_delete("edition", "standard"), "edition.standard", "required"),
    "revision not integer": (_set((["edition", "revision"], "two")), "edition.revision",
                             "not_integer"),
    "revision zero": (_set((["edition", "revision"], 0)), "edition.revision", "not_positive"),
    "name without thai": (_set((["edition", "name_th"], "Test")), "edition.name_th", "no_thai"),
    "bad locale": (_set((["edition", "locale"], "Thai language")), "edition.locale",
                   "bad_locale"),
    "bad status": (_set((["edition", "status"], "draft")), "edition.status", "bad_choice"),
    "unit type duplicate": (_set((["unit_types", 1, "code"], "province")),
                            "unit_types[1].code", "duplicate"),
    "scale one point": (_set((["scales", 1, "points"], [{"value": 0, "label_th": "ไม่มี"}])),
                        "scales[1].points", "few_points"),
    "scale negative point": (_set((["scales", 0, "points", 0, "value"], -1)),
                             "scales[0].points[0].value", "negative"),
    "scale duplicate point": (_set((["scales", 0, "points", 1, "value"], 0)),
                              "scales[0].points[1].value", "duplicate"),
    "scale point label not thai": (_set((["scales", 0, "points", 2, "label_th"], "Fair")),
                                   "scales[0].points[2].label_th", "no_thai"),
    "duplicate scale": (_set((["scales", 1, "code"], "s4")), "scales[1].code", "duplicate"),
    "unknown default scale": (_set((["default_scale"], "s10")), "default_scale",
                              "unknown_scale"),
    "duplicate level": (_set((["levels", 1, "code"], "basic")), "levels[1].code", "duplicate"),
    "bad colour": (_set((["levels", 0, "colour"], "green")), "levels[0].colour", "bad_choice"),
    "level order": (_set((["levels", 2, "rule", "min_overall"], 60)),
                    "levels[2].rule.min_overall", "level_order"),
    "min overall above 100": (_set((["levels", 2, "rule", "min_overall"], 101)),
                              "levels[2].rule.min_overall", "not_percent"),
    "min overall missing": (_delete("levels", 0, "rule", "min_overall"),
                            "levels[0].rule.min_overall", "required"),
    "rule names unknown category": (_set((["levels", 1, "rule", "min_category"], {"X": 50})),
                                    "levels[1].rule.min_category.X", "unknown_category"),
    "rule names unknown criterion": (_set((["levels", 2, "rule", "min_criterion"], {"Q9": 5})),
                                     "levels[2].rule.min_criterion.Q9", "unknown_criterion"),
    "rule minimum not a number": (_set((["levels", 1, "rule", "min_category"], {"P": "high"})),
                                  "levels[1].rule.min_category.P", "not_number"),
    "all_mandatory not boolean": (_set((["levels", 0, "rule", "all_mandatory"], "maybe")),
                                  "levels[0].rule.all_mandatory", "not_boolean"),
    "bad kind": (_set((["categories", 1, "kind"], "spiritual")), "categories[1].kind",
                 "bad_choice"),
    "duplicate ref across levels of tree": (_set((["categories", 1, "criteria", 0, "ref"], "P1")),
                                            "categories[1].criteria[0].ref", "duplicate"),
    "bad ref": (_set((["categories", 0, "ref"], "P 1")), "categories[0].ref", "bad_ref"),
    "criterion without items": (_set((["categories", 0, "criteria", 0, "items"], [])),
                                "categories[0].criteria[0].items", "empty"),
    "criterion name not thai": (_set((["categories", 0, "criteria", 0, "name_th"], "Premises")),
                                "categories[0].criteria[0].name_th", "no_thai"),
}


def _item_case(field, value, code, i=0, c=0):
    def mutate(doc):
        if value is _delete:
            del _item(doc, c=c, i=i)[field]
        else:
            _item(doc, c=c, i=i)[field] = value
    return mutate, f"categories[{c}].criteria[0].items[{i}].{field}", code


CASES.update({
    "item weight zero": _item_case("weight", 0, "not_positive", i=1),
    "item weight negative": _item_case("weight", -2, "not_positive", i=1),
    "item weight text": _item_case("weight", "heavy", "not_number", i=1),
    "item text missing": _item_case("text_th", _delete, "required"),
    "item text not thai": _item_case("text_th", "Parking", "no_thai"),
    "item text not text": _item_case("text_en", ["a"], "not_text"),
    "item unknown scale": _item_case("scale", "s9", "unknown_scale", i=1),
    "item duplicate ref": _item_case("ref", "P1.1", "duplicate", i=1),
    "mandatory without met score": _item_case("met_score", _delete, "met_required"),
    "met score off the scale": _item_case("met_score", 7, "off_scale"),
    "met score not integer": _item_case("met_score", 1.5, "not_integer"),
    "mandatory not boolean": _item_case("mandatory", "often", "not_boolean"),
    "na_allowed not boolean": _item_case("na_allowed", 3, "not_boolean", i=1),
    "unknown item field": _item_case("colour", "red", "unknown_field"),
    "applies_to not list": _item_case("applies_to", {"a": 1}, "not_list"),
})


@pytest.mark.parametrize("case", sorted(CASES))
def test_parse_edition_reports_path_and_reason(case):
    mutate, path, code = CASES[case]
    document = small_document()
    mutate(document)
    with pytest.raises(CriteriaError) as caught:
        parse_edition(document)
    assert (path, code) in [(issue.path, issue.code) for issue in caught.value.issues]


def test_parse_edition_unknown_unit_type_names_list_position():
    document = small_document()
    _item(document, c=1, i=1)["applies_to"] = ["local", "district"]
    with pytest.raises(CriteriaError) as caught:
        parse_edition(document)
    assert [(i.path, i.code) for i in caught.value.issues] == [
        ("categories[1].criteria[0].items[1].applies_to[1]", "unknown_unit_type")]


def test_parse_edition_reports_every_problem_at_once():
    document = small_document()
    _item(document, i=1)["weight"] = 0
    document["edition"]["status"] = "draft"
    with pytest.raises(CriteriaError) as caught:
        parse_edition(document)
    assert sorted(i.path for i in caught.value.issues) == [
        "categories[0].criteria[0].items[1].weight", "edition.status"]


def test_parse_edition_message_is_readable_in_english_and_thai():
    document = small_document()
    _item(document, i=1)["weight"] = 0
    with translation.override("en"), pytest.raises(CriteriaError) as caught:
        parse_edition(document)
    assert str(caught.value) == "categories[0].criteria[0].items[1].weight: must be greater than zero"
    with translation.override("th"), pytest.raises(CriteriaError) as caught:
        parse_edition(document)
    assert caught.value.issues[0].message == "ต้องมากกว่าศูนย์"


def test_parse_edition_not_a_mapping():
    with pytest.raises(CriteriaError) as caught:
        parse_edition(["a list"])
    assert [(i.path, i.code) for i in caught.value.issues] == [("(document)", "not_mapping")]


def test_parse_edition_valid_document_round_trips():
    edition = parse_edition(small_document())
    assert edition.revision == 1
    assert [c.ref for c in edition.categories] == ["P", "Q"]
    assert edition.items_by_ref()["P1.2"].scale == "yn"
    assert parse_edition(edition_to_dict(edition)) == edition


def test_documented_example_is_valid():
    import re
    from pathlib import Path

    import yaml

    text = (Path(__file__).resolve().parents[2] / "docs" / "criteria-format.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    edition = parse_edition(yaml.safe_load(example))
    assert [item.ref for _, _, item in edition.iter_items()] == ["P1.1", "P1.2", "Q1.1", "Q1.2"]
