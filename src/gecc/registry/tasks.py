"""Background work for the registry screens.

An import job takes two tasks: ``validate_file_task`` checks every row of the uploaded file
and keeps the preview (counts, first rows, row errors) on the job while it waits for
confirmation; ``import_file_task`` checks the file again, since the registry may have changed
meanwhile, and writes it all or nothing. Both keep ``progress`` up to date for the job's page.

Each task holds the job's lock (``job_lock``) while it works: a second delivery of the same
task, or the sweep, finds it held and leaves the job alone. The lock dies with the process
holding it, so a job left ``running`` (or ``validating``) by a worker that was killed is seen
as abandoned and the sweep runs it again: the import writes all its rows in one transaction,
which the database rolled back when the worker died, so running it again writes every row
once.
"""

import datetime
import fcntl
import logging
import os
import threading
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from gecc.common.queue import enqueue
from gecc.registry.enums import FINISHED_IMPORT_STATES, ImportStatus

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


# -- one runner per job ------------------------------------------------------------------------

# The high 32 bits of the PostgreSQL advisory lock keys of import jobs ("gecc" in ASCII).
LOCK_NAMESPACE = 0x67656363
_local = threading.local()


def _held_locks() -> dict:
    if not hasattr(_local, "held"):
        _local.held = {}  # job pk → (depth, release function)
    return _local.held


def _acquire_postgres(key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cursor.fetchone()[0]:
            return None

    def release():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])

    return release


def _acquire_file(job_pk):
    folder = settings.DATA_DIR / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder / f"registry-import-{job_pk}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None

    def release():
        os.close(handle)  # closing the descriptor releases the lock

    return release


@contextmanager
def job_lock(job_pk):
    """``with job_lock(pk) as held:`` — ``held`` is True when this thread now holds the
    job's lock (or already did: the lock is re-entrant), False when another process or
    thread holds it, i.e. is checking or importing the job right now.

    On PostgreSQL a session-level advisory lock, which the server releases when the
    connection of a killed process goes; elsewhere (the embedded SQLite, one machine) an
    exclusive ``flock`` on a file in ``DATA_DIR/locks``, which the kernel releases when the
    process goes."""
    held = _held_locks()
    if job_pk in held:
        depth, release = held[job_pk]
        held[job_pk] = (depth + 1, release)
        try:
            yield True
        finally:
            depth, release = held[job_pk]
            held[job_pk] = (depth - 1, release)
        return
    if connection.vendor == "postgresql":
        release = _acquire_postgres((LOCK_NAMESPACE << 32) | int(job_pk))
    else:
        release = _acquire_file(int(job_pk))
    if release is None:
        yield False
        return
    held[job_pk] = (1, release)
    try:
        yield True
    finally:
        del held[job_pk]
        try:
            release()
        except Exception:  # noqa: BLE001 - the connection is lost or its transaction broken
            logger.warning("import job %s: could not release its lock; closing the "
                           "connection, which releases it", job_pk)
            if not connection.in_atomic_block:
                connection.close()


def _current_status(job_pk):
    from gecc.registry.models import ImportJob

    return ImportJob.objects.values_list("status", flat=True).get(pk=job_pk)


@shared_task
def validate_file_task(import_job_id, language=None):
    """Check every row of a ``validating`` ImportJob's file (in ``language``, default
    LANGUAGE_CODE) and keep the result on the job: the row count, how many codes are new or
    already registered, the first rows and the row errors. The job then awaits confirmation
    (with or without errors; with errors it cannot be confirmed). A job being checked by
    someone else right now is left to them."""
    with job_lock(import_job_id) as held:
        if not held:
            return _current_status(import_job_id)
        return _validate(import_job_id, language)


def _validate(import_job_id, language):
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
    """Run one ``pending`` ImportJob: validate the stored file, apply it if every row is good,
    and keep ``status``, ``progress``, the counts and the row errors up to date for a
    progress bar. A job someone else is importing, or has imported, is left alone."""
    with job_lock(import_job_id) as held:
        if not held:
            return _current_status(import_job_id)
        return _import(import_job_id)


def _import(import_job_id):
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
    """Run the jobs no worker is working on: check the rows of a ``validating`` job no
    worker started within ``REGISTRY_IMPORT_STALL_SECONDS`` of its upload (or whose check
    stopped with its worker), import a ``pending`` one (counted from the upload, as the job
    keeps no confirmation time), and import again a ``running`` one whose worker died (its
    lock is free; the rows it was writing were rolled back). Both tasks act only on a job
    still waiting and nobody else holds, so a worker that starts it meanwhile changes
    nothing. Returns ``{"checked", "imported"}`` counts."""
    from gecc.registry.models import ImportJob

    seconds = int(getattr(settings, "REGISTRY_IMPORT_STALL_SECONDS", DEFAULT_STALL_SECONDS))
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=seconds)
    waiting = ImportJob.objects.filter(created_at__lte=cutoff).order_by("created_at", "pk")
    counts = {"checked": 0, "imported": 0}
    for pk in list(waiting.filter(status=ImportStatus.VALIDATING)
                   .values_list("pk", flat=True)[:limit]):
        if validate_file_task(pk) != ImportStatus.VALIDATING:
            counts["checked"] += 1
    for pk in list(waiting.filter(status=ImportStatus.PENDING)
                   .values_list("pk", flat=True)[:limit]):
        if import_file_task(pk) in FINISHED_IMPORT_STATES:
            counts["imported"] += 1
    for pk in list(ImportJob.objects.filter(status=ImportStatus.RUNNING)
                   .order_by("created_at", "pk").values_list("pk", flat=True)[:limit]):
        if _resume_abandoned(pk) in FINISHED_IMPORT_STATES:
            counts["imported"] += 1
    if counts["checked"] or counts["imported"]:
        logger.info("import sweep: %s", counts)
    return counts


def _resume_abandoned(job_pk):
    """Import again a ``running`` job whose lock nobody holds: the process that claimed it
    died (a killed worker, a database restart that broke its connection)."""
    from gecc.registry.models import ImportJob

    with job_lock(job_pk) as held:
        if not held:
            return ImportStatus.RUNNING  # a live worker is importing it
        if not ImportJob.objects.filter(pk=job_pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.PENDING):
            return _current_status(job_pk)
        logger.warning("import job %s was left running by a worker that stopped; importing "
                       "it again", job_pk)
        return import_file_task(job_pk)
