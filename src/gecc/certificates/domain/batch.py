"""Bulk generation of a round's certificate PDFs into one ZIP file.

``start_batch(round, actor, request=None)`` records a ``CertificateBatch`` (``queued``,
``total`` = the round's certificates to print) and sends the Celery task
``gecc.certificates.generate_batch`` once the transaction commits (eagerly in the embedded
default); a batch of the round still queued or running is returned instead of a second one.
``run_batch(batch_id)`` (the task) claims the batch, prints every certificate of the round
that is not withdrawn, in number order, through one Chromium (``pdf.certificate_pdfs``)
into a ZIP whose entries are ``<number>.pdf`` (fixed entry dates, so that the file lists the
same entries each time), writes ``done`` as it goes (at most once a second or every
``PROGRESS_EVERY`` documents), stores the ZIP in Django's default storage under
``certificates/batches/`` and ends ``done`` (with size and SHA-256) or ``failed`` (the
reason in Thai). Printing again gives the same numbers and the same text.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
import zipfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation

from gecc.audit.domain import log_action, person
from gecc.certificates.enums import BatchState, CertificateState
from gecc.certificates.models import Certificate, CertificateBatch

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 10
PROGRESS_SECONDS = 1.0
ZIP_DATE = (2000, 1, 1, 0, 0, 0)
BUSY_STATES = (BatchState.QUEUED, BatchState.RUNNING)


def batch_certificates(round_obj):
    """What a batch of the round prints: its certificates that are not withdrawn."""
    from gecc.certificates.domain.pdf import printable

    return printable(Certificate.objects.filter(round=round_obj)
                     .exclude(state=CertificateState.WITHDRAWN))


def batch_file_name(batch) -> str:
    return f"certificates/batches/GECC-{batch.round.year}-batch-{batch.pk}.zip"


def download_name(batch) -> str:
    return f"GECC-{batch.round.year}-certificates.zip"


@transaction.atomic
def start_batch(round_obj, actor, request=None) -> tuple[CertificateBatch, bool]:
    """``(batch, started)``: a new queued batch of the round (audited
    ``certificate.batch_started``), or the one still queued or running (``started`` False)."""
    from gecc.certificates.tasks import generate_batch_task
    from gecc.common.queue import enqueue_on_commit

    busy = (CertificateBatch.objects.select_for_update()
            .filter(round=round_obj, state__in=BUSY_STATES).order_by("-created_at").first())
    if busy is not None:
        return busy, False
    total = batch_certificates(round_obj).count()
    batch = CertificateBatch.objects.create(
        round=round_obj, total=total, requested_by=person(actor))
    log_action("certificate.batch_started", actor=person(actor),
               obj=batch, request=request,
               data={"round": round_obj.year, "total": total})
    enqueue_on_commit(generate_batch_task, batch.pk)
    return batch, True


class _Progress:
    def __init__(self, batch_pk):
        self.batch_pk, self.at, self.written = batch_pk, time.monotonic(), 0

    def __call__(self, done, force=False):
        now = time.monotonic()
        if force or done - self.written >= PROGRESS_EVERY or now - self.at >= PROGRESS_SECONDS:
            self.written, self.at = done, now
            CertificateBatch.objects.filter(pk=self.batch_pk).update(done=done)


def run_batch(batch_id) -> str:
    """Run one queued batch to its end; returns its final state."""
    claimed = CertificateBatch.objects.filter(pk=batch_id, state=BatchState.QUEUED).update(
        state=BatchState.RUNNING, started_at=timezone.now(), done=0)
    batch = CertificateBatch.objects.select_related("round").get(pk=batch_id)
    if not claimed:
        return batch.state
    try:
        name, size, digest, total = _write_zip(batch)
    except Exception as exc:  # noqa: BLE001  (kept on the batch for the secretariat)
        logger.exception("certificate batch %s failed", batch_id)
        with translation.override(settings.LANGUAGE_CODE):
            reason = translation.gettext(
                "The certificates could not be generated (%(error)s). Try again; if it keeps "
                "failing, tell the system administrator.") % {"error": type(exc).__name__}
        CertificateBatch.objects.filter(pk=batch_id).update(
            state=BatchState.FAILED, error=reason, finished_at=timezone.now())
        return BatchState.FAILED
    CertificateBatch.objects.filter(pk=batch_id).update(
        state=BatchState.DONE, file_name=name, size=size, sha256=digest, total=total,
        done=total, finished_at=timezone.now())
    return BatchState.DONE


def _write_zip(batch):
    from gecc.certificates.domain.pdf import certificate_filename, certificate_pdfs

    certificates = list(batch_certificates(batch.round))
    total = len(certificates)
    CertificateBatch.objects.filter(pk=batch.pk).update(total=total)
    progress = _Progress(batch.pk)
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            printed = certificate_pdfs(certificates)
            for done, (certificate, pdf) in enumerate(printed, start=1):
                entry = zipfile.ZipInfo(certificate_filename(certificate), ZIP_DATE)
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, pdf)
                progress(done)
        progress(total, force=True)
        handle.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        size = handle.tell()
        handle.seek(0)
        name = default_storage.save(batch_file_name(batch), File(handle))
    return name, size, digest.hexdigest(), total
