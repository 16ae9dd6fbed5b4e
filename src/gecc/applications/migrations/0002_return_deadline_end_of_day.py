"""A date-only correction deadline was stored as midnight (00:00) of the next day, so pages
showed the day after the one the secretariat typed. It is now stored as the last instant
of the day itself (23:59:59.999999 local time, ``gecc.common.thaidate.end_of_day``); this
moves the stored midnights back by one microsecond. Only date-only deadlines were ever
stored at midnight (a timed deadline is the desk review's end, 16:30 by default)."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import migrations

ONE_MICROSECOND = datetime.timedelta(microseconds=1)


def _convert(apps, old_time, shift):
    Application = apps.get_model("applications", "Application")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    changed = []
    rows = (Application.objects.filter(return_deadline__isnull=False)
            .only("pk", "return_deadline").iterator(chunk_size=2000))
    for application in rows:
        if application.return_deadline.astimezone(zone).time() == old_time:
            application.return_deadline += shift
            changed.append(application)
    Application.objects.bulk_update(changed, ["return_deadline"], batch_size=1000)


def forwards(apps, schema_editor):
    _convert(apps, datetime.time.min, -ONE_MICROSECOND)


def backwards(apps, schema_editor):
    _convert(apps, datetime.time.max, ONE_MICROSECOND)


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
