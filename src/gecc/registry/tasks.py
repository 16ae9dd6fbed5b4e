"""Background work for the registry screens."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from gecc.registry.enums import ImportStatus


@shared_task
def import_file_task(import_job_id):
    """Run one ImportJob: validate the stored file, apply it if every row is good, and keep
    ``status``, ``progress``, the counts and the row errors up to date for a progress bar."""
    from gecc.registry.interfaces.importers import apply, parse_and_validate
    from gecc.registry.models import ImportJob

    job = ImportJob.objects.select_related("created_by").get(pk=import_job_id)
    if job.status != ImportStatus.PENDING:
        return job.status

    def progress(percent):
        ImportJob.objects.filter(pk=job.pk).update(progress=percent)

    job.status = ImportStatus.RUNNING
    job.progress = 5
    job.save(update_fields=["status", "progress"])
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as handle:
                preview = parse_and_validate(handle, job.kind)
            preview.file_name = job.original_name or job.file.name
            progress(30)
            if preview.is_valid:
                result = apply(preview, job.created_by, progress=lambda p: progress(30 + p * 7 // 10))
                job.status = ImportStatus.SUCCEEDED
                job.created_count = result.created
                job.updated_count = result.updated
                job.unchanged_count = result.unchanged
                job.errors = []
            else:
                job.status = ImportStatus.FAILED
                job.errors = [error.as_dict() for error in preview.errors]
        except Exception as exc:
            job.status = ImportStatus.FAILED
            job.errors = [{"row": None, "column": "", "message": str(exc), "value": ""}]
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "created_count", "updated_count",
                            "unchanged_count", "errors", "finished_at"])
    return job.status


def start_import(job):
    """Queue ``job`` (runs at once when Celery is eager)."""
    return import_file_task.delay(job.pk)
