"""Database helpers every app needs."""

from django.db import connection


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
