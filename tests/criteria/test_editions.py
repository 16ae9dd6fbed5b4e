import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from gecc.audit.models import AuditEntry
from gecc.criteria.domain.editions import (
    delete_version,
    load_edition,
    lock_edition,
    spec_from_version,
)
from gecc.criteria.domain.parse import CriteriaError, parse_edition
from gecc.criteria.models import Edition, EditionLockedError, EditionVersion, Node
from tests.criteria.factories import small_document

pytestmark = pytest.mark.django_db


def test_load_edition_creates_version_and_tree():
    outcome = load_edition(small_document(), source_name="small.yaml")
    version = outcome.version
    assert outcome.created is True
    assert str(version) == "GECC 2599 r1"
    # Stored in document order, as the file lists them (Meta.ordering is the position).
    assert list(version.nodes.values_list("kind", "ref")) == [
        ("category", "P"), ("criterion", "P1"), ("item", "P1.1"), ("item", "P1.2"),
        ("category", "Q"), ("criterion", "Q1"), ("item", "Q1.1"), ("item", "Q1.2")]
    assert version.nodes.get(ref="P1.1").parent.ref == "P1"
    assert AuditEntry.objects.filter(action="criteria.version_loaded").count() == 1


def test_load_edition_same_revision_again_changes_nothing():
    first = load_edition(small_document()).version
    again = load_edition(small_document())
    assert again.created is False
    assert again.version.pk == first.pk
    assert EditionVersion.objects.count() == 1
    assert Node.objects.count() == 8
    assert AuditEntry.objects.filter(action="criteria.version_loaded").count() == 1


def test_load_edition_higher_revision_creates_new_version():
    load_edition(small_document())
    document = small_document(revision=2)
    document["categories"][0]["criteria"][0]["items"][1]["weight"] = 3
    outcome = load_edition(document)
    assert outcome.created is True
    assert Edition.objects.count() == 1
    assert list(EditionVersion.objects.values_list("revision", flat=True)) == [2, 1]


def test_load_edition_same_revision_different_content_is_refused():
    load_edition(small_document())
    document = small_document(name_en="Changed")
    with pytest.raises(CriteriaError) as caught:
        load_edition(document)
    assert [(i.path, i.code) for i in caught.value.issues] == [
        ("edition.revision", "revision_changed")]


def test_load_edition_lower_revision_is_refused():
    load_edition(small_document(revision=3))
    with pytest.raises(CriteriaError) as caught:
        load_edition(small_document(revision=2))
    assert [(i.path, i.code) for i in caught.value.issues] == [
        ("edition.revision", "revision_lower")]


def test_spec_from_version_equals_parsed_file():
    version = load_edition(small_document()).version
    assert spec_from_version(version) == parse_edition(small_document())


def test_lock_edition_sets_flag_and_logs(make_user):
    user = make_user("secretariat")
    version = load_edition(small_document()).version
    assert version.is_in_use() is False
    locked = lock_edition(version, user)
    assert locked.is_in_use() is True
    assert locked.locked_by == user
    entry = AuditEntry.objects.get(action="criteria.version_locked")
    assert entry.actor == user
    assert entry.data == {"before": {"locked": False}, "after": {"locked": True}}


def test_locked_version_cannot_be_saved_or_deleted(make_user):
    version = lock_edition(load_edition(small_document()).version, make_user("secretariat"))
    version.name_en = "Changed"
    with pytest.raises(EditionLockedError):
        version.save()
    with pytest.raises(EditionLockedError):
        version.delete()
    with pytest.raises(EditionLockedError):
        EditionVersion.objects.filter(pk=version.pk).update(name_en="Changed")
    with pytest.raises(EditionLockedError):
        EditionVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(EditionLockedError):
        delete_version(version, None)
    version.refresh_from_db()
    assert version.name_en == "Test criteria"


def test_locked_version_nodes_cannot_change(make_user):
    version = lock_edition(load_edition(small_document()).version, make_user("secretariat"))
    node = version.nodes.get(ref="P1.1")
    node.weight = 5
    with pytest.raises(EditionLockedError):
        node.save()
    with pytest.raises(EditionLockedError):
        node.delete()
    with pytest.raises(EditionLockedError):
        version.nodes.update(weight=5)
    with pytest.raises(EditionLockedError):
        version.nodes.all().delete()
    assert str(version.nodes.get(ref="P1.1").weight) == "2.0000"


def test_locked_version_is_guarded_by_the_database_too(make_user):
    """bulk_create and raw SQL pass by the ORM guards; the triggers stop them."""
    from django.db import DatabaseError, connection, transaction

    version = lock_edition(load_edition(small_document()).version, make_user("secretariat"))
    node = version.nodes.get(ref="P1.1")
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE criteria_node SET weight = 5 WHERE id = %s", [node.pk])
    extra = Node(version=version, parent=node.parent, kind=node.kind, ref="P1.9",
                 position=99, text_th="ข้อเพิ่ม", weight=1)
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        Node.objects.bulk_create([extra])
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE criteria_editionversion SET name_en = %s WHERE id = %s",
                       ["Changed", version.pk])
    assert str(version.nodes.get(ref="P1.1").weight) == "2.0000"
    assert not version.nodes.filter(ref="P1.9").exists()


def test_unlocked_version_nodes_can_still_be_written_in_bulk():
    version = load_edition(small_document()).version
    node = version.nodes.get(ref="P1.1")
    node.weight = 5
    Node.objects.bulk_update([node], ["weight"])
    assert str(version.nodes.get(ref="P1.1").weight) == "5.0000"


def test_unlocked_version_can_be_deleted():
    version = load_edition(small_document()).version
    delete_version(version, None)
    assert EditionVersion.objects.count() == 0
    assert Node.objects.count() == 0


def _write(tmp_path, document):
    path = Path(tmp_path) / "criteria.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_load_criteria_command_loads_file(tmp_path):
    out = io.StringIO()
    call_command("load_criteria", str(_write(tmp_path, small_document())), stdout=out)
    assert out.getvalue().strip() == "Loaded GECC 2599 r1 (example, 8 nodes)"
    out = io.StringIO()
    call_command("load_criteria", str(_write(tmp_path, small_document())), stdout=out)
    assert "nothing changed" in out.getvalue()
    assert EditionVersion.objects.count() == 1


def test_load_criteria_command_names_path_and_fails(tmp_path):
    document = small_document()
    document["categories"][0]["criteria"][0]["items"][1]["weight"] = 0
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_criteria", str(_write(tmp_path, document)), stderr=err)
    assert "1 problem(s); nothing was loaded" in str(caught.value)
    assert "categories[0].criteria[0].items[1].weight: " in err.getvalue()
    assert EditionVersion.objects.count() == 0


def test_load_criteria_command_bad_yaml(tmp_path):
    path = Path(tmp_path) / "bad.yaml"
    path.write_text("edition: [unclosed\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_criteria", str(path), stderr=err)
    # The machine path first, then the reason in the words the upload page uses.
    line = err.getvalue().splitlines()[0]
    assert line.startswith("line 2, column 1: ")
    assert "YAML" in line and line.endswith("]")
