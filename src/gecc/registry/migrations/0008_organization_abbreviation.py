"""Organisations get an abbreviation; a unit's search text now carries its organisation's
names and abbreviation, so searching "ธ.ก.ส." or "ธกส" finds every BAAC branch. Existing
rows get their search text recomputed (the same pg_trgm index serves the longer text)."""

from django.db import migrations, models

from gecc.registry.domain.search import search_text_for, unit_search_text


def recompute_search_text(apps, schema_editor):
    Organization = apps.get_model("registry", "Organization")
    ServiceUnit = apps.get_model("registry", "ServiceUnit")
    parts = {}
    organizations = list(Organization.objects.all())
    for org in organizations:
        org.search_text = search_text_for(org.code, org.name_th, org.name_en, org.abbreviation)
        parts[org.pk] = (org.name_th, org.name_en, org.abbreviation)
    Organization.objects.bulk_update(organizations, ["search_text"], batch_size=1000)
    batch = []
    units = ServiceUnit.objects.only("id", "code", "name_th", "name_en", "organization_id")
    for unit in units.iterator(chunk_size=2000):
        unit.search_text = unit_search_text(unit.code, unit.name_th, unit.name_en,
                                            parts.get(unit.organization_id))
        batch.append(unit)
        if len(batch) >= 1000:
            ServiceUnit.objects.bulk_update(batch, ["search_text"])
            batch = []
    ServiceUnit.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0007_importjob_client_ip"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="abbreviation",
            field=models.CharField(blank=True, help_text="The short name people search by, "
                                   "such as ธ.ก.ส. or กฟภ.", max_length=50,
                                   verbose_name="abbreviation"),
        ),
        migrations.RunPython(recompute_search_text, migrations.RunPython.noop, elidable=True),
    ]
