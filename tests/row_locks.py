"""Transactions at once, for the tests that show which rows a write locks (PostgreSQL:
SQLite admits one writer at a time whatever the rows) and how concurrent writers wait."""

import threading

from django.db import connection, transaction


def hold_then_try(first, second):
    """Run ``first()`` in a transaction kept open while ``second()`` runs in another with
    ``lock_timeout`` 2 s; the errors of both (a lock wait shows as LockNotAvailable)."""
    locked, finished, errors = threading.Event(), threading.Event(), []

    def holder():
        try:
            with transaction.atomic():
                first()
                locked.set()
                finished.wait(timeout=10)
        except Exception as error:  # noqa: BLE001 - the assertion reports it
            errors.append(("holder", error))
        finally:
            locked.set()
            connection.close()

    def other():
        try:
            locked.wait(timeout=10)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                second()
        except Exception as error:  # noqa: BLE001
            errors.append(("other", error))
        finally:
            finished.set()
            connection.close()

    run_together(holder, other)
    return errors


def run_together(*targets, timeout=30):
    """Run each of ``targets`` in its own thread, all at once, and wait for them (each up to
    ``timeout`` seconds)."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
