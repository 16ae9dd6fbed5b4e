"""Two requests writing at once both succeed, on the embedded SQLite as on PostgreSQL.

The self-assessment autosave and an evidence upload are sent together when a coordinator
leaves a text box for the upload button. Each opens a transaction that reads (locks the
application row) and then writes. On SQLite a deferred transaction whose snapshot went
stale fails at once with "database is locked"; the database must make the second one wait.
"""

import threading

import pytest
from django.db import connection, transaction

from gecc.accounts.models import User
from tests.factories import UserFactory
from tests.row_locks import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_read_then_write_transaction_waits_for_a_concurrent_writer():
    first, second = UserFactory(full_name="ก"), UserFactory(full_name="ข")
    read_done, other_committed = threading.Event(), threading.Event()
    errors = []

    def reader_then_writer():
        try:
            with transaction.atomic():
                User.objects.select_for_update().get(pk=first.pk)
                read_done.set()
                # Give the other writer its chance to commit first (it cannot when the
                # database serialises writers; then this simply times out and goes on).
                other_committed.wait(timeout=1)
                User.objects.filter(pk=first.pk).update(full_name="ก แก้ไข")
        except Exception as error:  # noqa: BLE001 - the assertion reports it
            errors.append(error)
        finally:
            connection.close()

    def other_writer():
        try:
            read_done.wait(timeout=5)
            with transaction.atomic():
                User.objects.filter(pk=second.pk).update(full_name="ข แก้ไข")
            other_committed.set()
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    run_together(reader_then_writer, other_writer)

    assert errors == []
    assert sorted(User.objects.filter(pk__in=[first.pk, second.pk])
                  .values_list("full_name", flat=True)) == ["ก แก้ไข", "ข แก้ไข"]
