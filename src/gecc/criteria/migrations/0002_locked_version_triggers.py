"""Make a locked criteria version unchangeable in the database as well as in the ORM.

Triggers on SQLite and PostgreSQL refuse any UPDATE of a locked ``criteria_editionversion``
row and any INSERT or UPDATE of a ``criteria_node`` row that belongs to a locked version,
so ``bulk_create``, ``bulk_update`` or raw SQL cannot rewrite criteria a round is judged by.
Locking itself (``locked`` false → true) is an update of an unlocked row and passes.
DELETE is left to the ORM guards and to PROTECT from rounds (test-database flushes delete).
"""

from django.db import migrations

from gecc.common.db import vendor_sql

MESSAGE = "a criteria version used by a round cannot be changed"
VERSION, NODE = "criteria_editionversion", "criteria_node"
NODE_LOCKED = f"(SELECT locked FROM {VERSION} WHERE id = NEW.version_id)"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER criteria_version_refuse_update BEFORE UPDATE ON {VERSION}
    WHEN OLD.locked
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END;
    """,
    f"""
    CREATE TRIGGER criteria_node_refuse_insert BEFORE INSERT ON {NODE}
    WHEN {NODE_LOCKED}
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END;
    """,
    f"""
    CREATE TRIGGER criteria_node_refuse_update BEFORE UPDATE ON {NODE}
    WHEN {NODE_LOCKED} OR (SELECT locked FROM {VERSION} WHERE id = OLD.version_id)
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS criteria_version_refuse_update;",
    "DROP TRIGGER IF EXISTS criteria_node_refuse_insert;",
    "DROP TRIGGER IF EXISTS criteria_node_refuse_update;",
]

POSTGRESQL_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION criteria_version_refuse_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.locked THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$;
    """,
    f"""
    CREATE TRIGGER criteria_version_refuse_update BEFORE UPDATE ON {VERSION}
    FOR EACH ROW EXECUTE FUNCTION criteria_version_refuse_update();
    """,
    f"""
    CREATE OR REPLACE FUNCTION criteria_node_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT locked FROM {VERSION} WHERE id = NEW.version_id)
           OR (TG_OP = 'UPDATE' AND (SELECT locked FROM {VERSION} WHERE id = OLD.version_id))
        THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$;
    """,
    f"""
    CREATE TRIGGER criteria_node_refuse_change BEFORE INSERT OR UPDATE ON {NODE}
    FOR EACH ROW EXECUTE FUNCTION criteria_node_refuse_change();
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS criteria_version_refuse_update ON {VERSION};",
    "DROP FUNCTION IF EXISTS criteria_version_refuse_update();",
    f"DROP TRIGGER IF EXISTS criteria_node_refuse_change ON {NODE};",
    "DROP FUNCTION IF EXISTS criteria_node_refuse_change();",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_REVERSE),
}
forwards, backwards = vendor_sql(STATEMENTS)


class Migration(migrations.Migration):

    dependencies = [
        ("criteria", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
