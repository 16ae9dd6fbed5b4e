"""On PostgreSQL only: pg_trgm and GIN trigram indexes on the search columns, so
``search_text__contains`` / ``icontains`` lookups are index-assisted. Other databases skip it."""

from django.db import migrations

INDEXES = [
    ("registry_serviceunit_search_trgm", "registry_serviceunit"),
    ("registry_organization_search_trgm", "registry_organization"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
