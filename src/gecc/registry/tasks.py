"""Background work for the registry screens.

An import job takes two tasks: ``validate_file_task`` checks every row of the uploaded file
and keeps the preview (counts, first rows, row errors) on the job while it waits for
confirmation; ``import_file_task`` checks the file again, since the registry may have changed
meanwhile, and writes it all or nothing. Both keep ``progress`` up to date for the job's page.
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from gecc.common.queue import enqueue
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

    # Claim the job once: a task delivered twice, or the sweep running a job whose task
    # arrives late, must not import the file twice.
    claimed = ImportJob.objects.filter(pk=import_job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, progress=IMPORT_VALIDATION_SHARE[0])
    job = ImportJob.objects.select_related("created_by").get(pk=import_job_id)
    if not claimed:
        return job.status
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as handle:
                preview = parse_and_validate(handle, job.kind, progress=_progress_reporter(
                    job.pk, *IMPORT_VALIDATION_SHARE, known_rows=job.row_count))
            preview.file_name = job.original_name or job.file.name
            low = IMPORT_VALIDATION_SHARE[1]
            set_progress(job.pk, low)
            if preview.is_valid:
                result = apply(preview, job.created_by, ip_address=job.client_ip,
                               progress=lambda p: set_progress(job.pk, low + p * (100 - low) // 100))
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


def _queue(task, *args) -> bool:
    """Send ``task`` to the workers (at once when Celery is eager); True when it was handed
    over. If the broker or the result backend cannot be reached (any error, not only
    kombu's), the job keeps its waiting state, visibly, and ``sweep_import_jobs`` runs it
    later; the caller tells the user. The job must already be committed."""
    return enqueue(task, *args)


def start_validation(job, language=None) -> bool:
    """Queue the row check of ``job``; False when the workers could not be reached."""
    return _queue(validate_file_task, job.pk, language)


def start_import(job) -> bool:
    """Queue ``job``; False when the workers could not be reached."""
    return _queue(import_file_task, job.pk)


DEFAULT_STALL_SECONDS = 120
SWEEP_BATCH = 20  # jobs per kind and run: each may read a large file


def sweep_import_jobs(*, now=None, limit=SWEEP_BATCH) -> dict:
    """Run the jobs no worker started within ``REGISTRY_IMPORT_STALL_SECONDS`` of their
    upload: check the rows of a ``validating`` job still at 0 %, import a ``pending`` one
    (counted from the upload, as the job keeps no confirmation time). Both tasks act only on
    a job still waiting, so a worker that starts it meanwhile changes nothing. Returns
    ``{"checked", "imported"}`` counts."""
    from gecc.registry.models import ImportJob

    seconds = int(getattr(settings, "REGISTRY_IMPORT_STALL_SECONDS", DEFAULT_STALL_SECONDS))
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=seconds)
    waiting = ImportJob.objects.filter(created_at__lte=cutoff).order_by("created_at", "pk")
    counts = {"checked": 0, "imported": 0}
    for pk in list(waiting.filter(status=ImportStatus.VALIDATING, progress=0)
                   .values_list("pk", flat=True)[:limit]):
        validate_file_task(pk)
        counts["checked"] += 1
    for pk in list(waiting.filter(status=ImportStatus.PENDING)
                   .values_list("pk", flat=True)[:limit]):
        import_file_task(pk)
        counts["imported"] += 1
    if counts["checked"] or counts["imported"]:
        logger.info("import sweep: %s", counts)
    return counts
