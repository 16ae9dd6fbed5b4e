"""The audit log is append-only in the ORM and, for UPDATE, in the database itself."""

import pytest
from django.db import DatabaseError, connection, transaction

from gecc.audit.models import AuditEntry
from gecc.audit.models.entry import AppendOnlyError
from tests.audit.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(make_user):
    actor = make_user("secretariat")
    return make_entry("user.created", actor=actor, obj=actor, after={"email": actor.email})


def assert_unchanged(entry):
    stored = AuditEntry.objects.values().get(pk=entry.pk)
    assert stored["action"] == "user.created"
    assert stored["object_repr"] == entry.object_repr
    assert stored["data"] == entry.data
    assert AuditEntry.objects.count() == 1


def test_entry_save_of_existing_row_is_refused(entry):
    entry.action = "user.deleted"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.save(update_fields=["action"])
    assert_unchanged(entry)


def test_entry_reloaded_from_database_cannot_be_saved(entry):
    reloaded = AuditEntry.objects.get(pk=entry.pk)
    reloaded.object_repr = "rewritten"
    with pytest.raises(AppendOnlyError):
        reloaded.save()
    assert_unchanged(entry)


def test_queryset_update_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="user.deleted")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(action="user.deleted")
    assert_unchanged(entry)


def test_bulk_update_is_refused(entry):
    entry.action = "user.deleted"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    entry.action = "user.created"
    assert_unchanged(entry)


def test_queryset_delete_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert_unchanged(entry)


def test_instance_delete_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert_unchanged(entry)


def test_raw_sql_update_is_refused_by_the_database(entry):
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["user.deleted", entry.pk])
    assert_unchanged(entry)


def test_raw_sql_update_of_json_data_is_refused_by_the_database(entry):
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET data = %s, actor_id = NULL", ["{}"])
    assert_unchanged(entry)


def test_entries_protect_their_actor_and_object_type_from_deletion():
    from django.db.models import PROTECT

    assert AuditEntry._meta.get_field("actor").remote_field.on_delete is PROTECT
    assert AuditEntry._meta.get_field("content_type").remote_field.on_delete is PROTECT


def test_inserting_new_entries_still_works(entry):
    make_entry("user.updated", before={"full_name": "ก"}, after={"full_name": "ข"})
    assert AuditEntry.objects.count() == 2
