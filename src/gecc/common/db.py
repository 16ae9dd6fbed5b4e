"""Database helpers every app needs."""

import time

from django.db import DatabaseError, connection


def analyze(*models):
    """Refresh the planner statistics of the models' tables after a bulk load.

    A table filled by bulk_create has no statistics until autovacuum gets to it, and
    PostgreSQL then plans joins for one row: a list over 20,000 freshly imported units
    took 750 ms instead of 10 ms. SQLite's ANALYZE feeds its planner the same way.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def vendor_sql(statements):
    """``(forwards, backwards)`` functions for ``migrations.RunPython`` that run the SQL
    written for this database: ``statements = {"sqlite": (forward, reverse), "postgresql":
    (forward, reverse)}``, each a list of statements. Another database runs nothing (the
    ORM's own guards still apply). Used by the migrations that install triggers."""

    def runner(index):
        def run(apps, schema_editor):
            pair = statements.get(schema_editor.connection.vendor)
            for sql in pair[index] if pair else ():
                schema_editor.execute(sql)

        return run

    return runner(0), runner(1)


# Field types whose Python values psycopg writes as the column expects, so COPY can take
# them as they are instead of through the ORM's per-value preparation.
_PLAIN_TYPES = frozenset({
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField",
    "DateTimeField", "DecimalField", "EmailField", "FloatField", "ForeignKey",
    "IntegerField", "PositiveBigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField", "TimeField",
    "URLField"})


def copy_insert(model, objs) -> bool:
    """Insert unsaved ``objs`` of ``model`` with one ``COPY`` on PostgreSQL and return True;
    return False on any other database (the caller then uses ``bulk_create``). Field
    defaults and ``auto_now``/``auto_now_add`` apply as in ``save()``; no signal is sent and
    the objects get no primary key back (read them back by a unique field). For 20,000
    service units this takes about a third of ``bulk_create``'s time, which prepares every
    value of every row through the ORM."""
    if connection.vendor != "postgresql":
        return False
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    plain = [field.get_internal_type() in _PLAIN_TYPES for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([
                field.pre_save(obj, True) if is_plain
                else field.get_db_prep_save(field.pre_save(obj, True), connection)
                for field, is_plain in zip(fields, plain, strict=True)])
    return True


def when_database_answers(fn, *, patience, errors=(DatabaseError,), max_delay=2.0,
                          on_error=None):
    """``fn()``, called again on a new connection while it fails with one of ``errors`` (a
    database restarting), waiting 0.25 s, then twice as long each time (at most
    ``max_delay``), for up to ``patience`` seconds; then the last error goes on.
    ``on_error(exc)`` is told of each failure before the wait. Outside a transaction only:
    one that a lost connection broke cannot be carried on."""
    deadline = time.monotonic() + patience
    delay = 0.25
    while True:
        try:
            return fn()
        except errors as exc:
            if time.monotonic() + delay > deadline:
                raise
            if on_error is not None:
                on_error(exc)
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close
            connection.connection = None
        time.sleep(delay)
        delay = min(delay * 2, max_delay)
