"""Background work for the registry screens.

An import job takes two tasks: ``validate_file_task`` checks every row of the uploaded file
and keeps the preview (counts, first rows, row errors) on the job while it waits for
confirmation; ``import_file_task`` checks the file again, since the registry may have changed
meanwhile, and writes it all or nothing. Both keep ``progress`` up to date for the job's page.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from gecc.registry.enums import ImportStatus

logger = logging.getLogger(__name__)

# Share of the import task's progress bar spent checking the rows again before writing.
IMPORT_VALIDATION_SHARE = (5, 30)


def set_progress(job_pk, percent):
    from gecc.registry.models import ImportJob

    ImportJob.objects.filter(pk=job_pk).update(progress=percent)


def _progress_reporter(job_pk, low, high, known_rows=0):
    """A ``progress(rows_read, estimated_rows)`` callback for ``parse_and_validate`` that moves
    the job's progress from ``low`` towards ``high`` (never reaching it before the end)."""
    last = [low]

    def report(done, estimated):
        total = max(known_rows or estimated, done, 1)
        percent = min(low + (high - low) * done // total, high - 1)
        if percent > last[0]:
            last[0] = percent
            set_progress(job_pk, percent)

    return report


def _failure(exc):
    return [{"row": None, "column": "", "message": str(exc), "value": ""}]


@shared_task
def validate_file_task(import_job_id, language=None):
    """Check every row of a ``validating`` ImportJob's file (in ``language``, default
    LANGUAGE_CODE) and keep the result on the job: the row count, how many codes are new or
    already registered, the first rows and the row errors. The job then awaits confirmation
    (with or without errors; with errors it cannot be confirmed)."""
    from gecc.registry.interfaces.importers import (
        existing_count,
        parse_and_validate,
        preview_table,
    )
    from gecc.registry.models import ImportJob

    job = ImportJob.objects.get(pk=import_job_id)
    if job.status != ImportStatus.VALIDATING:
        return job.status
    fields = ["status", "progress", "row_count", "to_create_count", "to_update_count",
              "preview", "errors"]
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as handle:
                preview = parse_and_validate(handle, job.kind,
                                             progress=_progress_reporter(job.pk, 0, 95))
            job.row_count = len(preview.rows)
            if preview.is_valid:
                codes = [row["code"] for row in preview.rows]
                job.to_update_count = existing_count(job.kind, codes)
                job.to_create_count = len(codes) - job.to_update_count
                columns, rows = preview_table(preview)
                job.preview = {"columns": columns, "rows": rows}
                job.errors = []
            else:
                job.preview = {}
                job.errors = [error.as_dict() for error in preview.errors]
            job.status = ImportStatus.AWAITING_CONFIRMATION
        except Exception as exc:
            job.status = ImportStatus.FAILED
            job.errors = _failure(exc)
            job.finished_at = timezone.now()
            fields.append("finished_at")
    job.progress = 100
    # Only a job still being checked takes the result: a task delivered twice must not put
    # back a job that was confirmed (or imported) meanwhile.
    stored = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATING).update(
        **{name: getattr(job, name) for name in fields})
    if not stored:
        return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)
    return job.status


@shared_task
def import_file_task(import_job_id):
    """Run one ImportJob: validate the stored file, apply it if every row is good, and keep
    ``status``, ``progress``, the counts and the row errors up to date for a progress bar."""
    from gecc.registry.interfaces.importers import apply, parse_and_validate
    from gecc.registry.models import ImportJob

    job = ImportJob.objects.select_related("created_by").get(pk=import_job_id)
    if job.status != ImportStatus.PENDING:
        return job.status

    job.status = ImportStatus.RUNNING
    job.progress = IMPORT_VALIDATION_SHARE[0]
    job.save(update_fields=["status", "progress"])
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as handle:
                preview = parse_and_validate(handle, job.kind, progress=_progress_reporter(
                    job.pk, *IMPORT_VALIDATION_SHARE, known_rows=job.row_count))
            preview.file_name = job.original_name or job.file.name
            low = IMPORT_VALIDATION_SHARE[1]
            set_progress(job.pk, low)
            if preview.is_valid:
                result = apply(preview, job.created_by, progress=lambda p: set_progress(
                    job.pk, low + p * (100 - low) // 100))
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
            job.errors = _failure(exc)
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "created_count", "updated_count",
                            "unchanged_count", "errors", "finished_at"])
    return job.status


def _queue(task, *args):
    """Send ``task`` to the workers (at once when Celery is eager). If the broker cannot be
    reached, run it here instead: slower for the user, but the job still moves on rather
    than the request failing and the job waiting for ever."""
    try:
        return task.delay(*args)
    except OperationalError:
        logger.warning("broker unreachable: running %s(%s) in the request", task.name, args)
        return task.apply(args=args)


def start_validation(job, language=None):
    """Queue the row check of ``job``."""
    return _queue(validate_file_task, job.pk, language)


def start_import(job):
    """Queue ``job``."""
    return _queue(import_file_task, job.pk)
