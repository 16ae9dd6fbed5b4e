"""Items may require evidence (``evidence_required``): a current file before submission.

SQLite adds the column by rebuilding ``criteria_node``, which drops that table's triggers
(0002, refusing changes to the criteria of a locked version); they are created again here.
PostgreSQL adds the column in place and keeps its triggers.
"""

import importlib

from django.db import migrations, models

from gecc.common.db import vendor_sql

_locked = importlib.import_module("gecc.criteria.migrations.0002_locked_version_triggers")
NODE_FORWARD = [sql for sql in _locked.SQLITE_FORWARD if "ON criteria_node" in sql]
NODE_REVERSE = [sql for sql in _locked.SQLITE_REVERSE if "criteria_node_" in sql]

# Re-create the node triggers after the rebuild, in either direction.
recreate, noop = vendor_sql({"sqlite": (NODE_REVERSE + NODE_FORWARD, [])})


class Migration(migrations.Migration):

    dependencies = [
        ("criteria", "0002_locked_version_triggers"),
    ]

    operations = [
        migrations.RunPython(noop, recreate, elidable=False),  # after removing the column
        migrations.AddField(
            model_name="node",
            name="evidence_required",
            field=models.BooleanField(default=False, verbose_name="evidence required"),
        ),
        migrations.RunPython(recreate, noop, elidable=False),
    ]
