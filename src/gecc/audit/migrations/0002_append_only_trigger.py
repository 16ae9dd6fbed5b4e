"""Make the audit table append-only in the database as well as in the ORM.

A trigger refuses every UPDATE of ``audit_auditentry`` on SQLite and PostgreSQL, so
a raw SQL statement or a code path that bypasses ``AuditEntry.save()`` cannot rewrite
history. DELETE is deliberately not blocked here: the ORM refuses it
(``AuditEntry.delete()`` and ``QuerySet.delete()`` raise ``AppendOnlyError``, user and
content-type foreign keys are PROTECT), while test-database flushes and a documented
retention job that purges whole years of history still need it.
"""

from django.db import migrations

from gecc.common.db import vendor_sql

TABLE = "audit_auditentry"
TRIGGER = "audit_auditentry_refuse_update"
MESSAGE = "audit entries are append-only"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END;
    """,
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {TRIGGER};"]

POSTGRESQL_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$;
    """,
    f"""
    CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TRIGGER}();
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};",
    f"DROP FUNCTION IF EXISTS {TRIGGER}();",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_REVERSE),
}
forwards, backwards = vendor_sql(STATEMENTS)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
