from django.db import migrations


def load(apps, schema_editor):
    from gecc.geography.domain.loader import load_geography

    load_geography(apps.get_model("geography", "Province"), apps.get_model("geography", "District"),
                   apps.get_model("geography", "Subdistrict"))


class Migration(migrations.Migration):
    dependencies = [("geography", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
