"""Jobs that were waiting for confirmation before the rows were checked in a task (0004)
carry no stored preview: their page would show 0 rows and offer to confirm a file whose
errors it never showed. Close them with a message to upload the file again; the file is
kept. Nothing was imported from them."""

from django.db import migrations
from django.utils import timezone

MESSAGE = ("แฟ้มนี้อัปโหลดก่อนระบบเปลี่ยนวิธีตรวจสอบแฟ้ม จึงไม่มีผลการตรวจสอบเก็บไว้ "
           "กรุณาอัปโหลดแฟ้มอีกครั้ง (ยังไม่ได้นำเข้าข้อมูลใดจากแฟ้มนี้)")


def close_unchecked(apps, schema_editor):
    ImportJob = apps.get_model("registry", "ImportJob")
    for job in ImportJob.objects.filter(status="awaiting_confirmation", row_count=0):
        if job.preview or job.errors:
            continue
        job.status = "failed"
        job.errors = [{"row": None, "column": "", "message": MESSAGE, "value": ""}]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "errors", "finished_at"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_unit_province_index")]

    operations = [migrations.RunPython(close_unchecked, migrations.RunPython.noop)]
