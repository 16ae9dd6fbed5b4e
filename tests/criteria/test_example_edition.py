import pytest

from gecc.criteria.interfaces.example import example_edition, load_example_edition
from gecc.criteria.models import EditionVersion, Node


def test_example_edition_is_valid_and_marked_example():
    edition = example_edition()
    items = list(edition.iter_items())
    assert edition.status == "example"
    assert "ตัวอย่าง" in edition.name_th
    assert 40 <= len(items) <= 80
    assert {c.kind for c in edition.categories} == {"physical", "quality", "outcome"}
    assert [lv.code for lv in edition.levels] == ["basic", "advanced", "excellence"]
    assert [lv.colour for lv in edition.levels] == ["blue", "silver", "gold"]


@pytest.mark.django_db
def test_load_example_edition_is_idempotent():
    first = load_example_edition()
    second = load_example_edition()
    assert first.created is True
    assert second.created is False
    assert EditionVersion.objects.count() == 1
    assert Node.objects.filter(kind="item").count() == len(list(example_edition().iter_items()))
