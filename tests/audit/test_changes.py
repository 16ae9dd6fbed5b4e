from gecc.accounts.models import User
from gecc.audit.domain import extra_data, field_changes, summarize
from gecc.audit.domain.changes import MISSING, display_value


def test_field_changes_lists_every_field_by_name_with_both_sides():
    changes = field_changes({"before": {"status": "draft", "note": "ก"},
                             "after": {"status": "submitted", "score": 87.5}})
    assert [(c.field, c.before, c.after, c.changed) for c in changes] == [
        ("note", "ก", MISSING, True),
        ("score", MISSING, 87.5, True),
        ("status", "draft", "submitted", True),
    ]


def test_field_changes_uses_the_models_verbose_names_when_it_knows_the_field():
    changes = field_changes({"before": {"email": "a@b.th", "nickname": "x"}}, model=User)
    assert [(c.field, c.label) for c in changes] == [("email", str(User._meta.get_field(
        "email").verbose_name).capitalize()), ("nickname", "nickname")]


def test_field_changes_of_data_without_before_or_after_is_empty():
    assert field_changes({}) == []
    assert field_changes(None) == []
    assert field_changes({"before": "not a dict"}) == []


def test_display_value_shows_missing_and_null_as_a_dash_and_structures_in_words():
    assert display_value(MISSING) == "—"
    assert display_value(None) == "—"
    assert display_value("ลำพูน") == "ลำพูน"
    assert display_value(False) == "ไม่ใช่"
    assert display_value({"b": 1, "a": ["ก"]}) == "b: 1; a: ก"


def test_summarize_shows_up_to_three_changed_fields_and_counts_the_rest():
    data = {"before": {"a": 1, "b": 2, "c": 3, "d": 4, "same": "x"},
            "after": {"a": 10, "b": 20, "c": 30, "d": 40, "same": "x"}}
    assert summarize(data) == "a: 1 → 10; b: 2 → 20; c: 3 → 30 (+1)"


def test_summarize_created_and_removed_fields():
    assert summarize({"after": {"name": "หน่วยใหม่"}}) == "ชื่อ: หน่วยใหม่"
    assert summarize({"before": {"name": "หน่วยเก่า"}}) == "ชื่อ: หน่วยเก่า → —"


def test_summarize_shortens_long_values():
    assert summarize({"after": {"note": "ก" * 100}}) == "note: " + "ก" * 39 + "…"


def test_summarize_without_changes_falls_back_to_other_data():
    assert summarize({"email": "x@y.th", "reason": "locked", "third": 3}) == \
        "อีเมล: x@y.th; เหตุผล: locked"
    assert summarize({}) == ""


def test_extra_data_leaves_out_before_and_after():
    assert extra_data({"before": {}, "after": {}, "reason": "ก"}) == {"reason": "ก"}
