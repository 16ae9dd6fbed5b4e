"""Every change to evidence files: guard → save → audit log.

Nothing is ever deleted: a replaced file stays as an older version, a removed file is only
marked not current, and a renewal carries files forward by pointing new rows at the same
stored bytes.

An upload writes its file to storage first, then its row and audit entry, in one
transaction (``_files_kept_only_if_saved``): when that transaction fails (the database went
away, a constraint, a lock timeout), the file just written is deleted again, so storage never
keeps bytes that no row names, and no row names a file that is not there. When the COMMIT
itself fails (a restart cut the connection), whether the row was stored is asked of the
database once it answers again, and the file is kept only if it was.
"""

import logging
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.domain.editing import can_edit, locked_refusal
from gecc.applications.enums import EDITABLE_STATES
from gecc.audit.domain import log_action
from gecc.common.db import when_database_answers
from gecc.evidence.domain.files import EvidenceRejected, prepare_upload
from gecc.evidence.models import EvidenceFile

logger = logging.getLogger(__name__)


def _guard_change(user, answer, now=None):
    """The actor coordinates the application's unit, and the application may still change
    at ``now`` (``gecc.applications.domain.editing.can_edit``: not after the round closed or
    the correction deadline passed; the same rule as saving an answer and submitting)."""
    application = answer.application
    if user is None or not user.has_perm("applications.apply_for_unit", application.unit):
        raise PermissionDenied(_("You cannot change the evidence of this application."))
    if not can_edit(application, now):
        raise PermissionDenied(_("You cannot change the evidence of this application."))


def _lock_editable(answer, now=None):
    """Inside the transaction: lock the application row and check it is still editable, so
    an upload racing a submission cannot attach a file to a submitted application (the
    answers' saves lock the same row)."""
    if locked_refusal(answer.application_id, answer.application.round, now) is not None:
        raise PermissionDenied(_("You cannot change the evidence of this application."))


def _summary(evidence):
    return {
        "answer": evidence.answer_id,
        "application": evidence.answer.application_id,
        "file": evidence.file.name,
        "original_name": evidence.original_name,
        "kind": evidence.kind,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "version": evidence.version,
    }


# How long an upload whose COMMIT failed waits for the database to say whether its row was
# stored (a restart takes a few seconds); past that the file is kept and the case logged.
COMMIT_CHECK_SECONDS = 15


@contextmanager
def _files_kept_only_if_saved():
    """``with _files_kept_only_if_saved() as written, transaction.atomic():`` around the
    transaction that stores files (``_store`` records each one in ``written``).

    If anything fails before the transaction commits, the files written are deleted from
    storage and the error goes on: the upload then answers with an error and leaves nothing
    behind. ``written.committing()`` is the last statement inside the transaction; an error
    after it comes from the COMMIT, whose outcome the error does not tell (the server may
    have committed before the connection broke): the database is asked, on a new connection,
    whether the rows were stored, and the files are deleted only if they were not."""
    outermost = not transaction.get_connection().in_atomic_block
    written = _Written()
    try:
        yield written
    except BaseException:
        if not written.committed_maybe or not outermost:
            written.delete()
        else:
            stored = _rows_stored([name for _storage, name in written])
            if stored is False:
                written.delete()
            elif stored is None:
                logger.error("evidence upload: the commit failed and the database did not "
                             "answer within %s s; keeping %s, which no row may name",
                             COMMIT_CHECK_SECONDS,
                             ", ".join(name for _storage, name in written))
        raise


def _rows_stored(names):
    """Whether rows naming ``names`` exist, asked until the database answers (True or
    False), or None after ``COMMIT_CHECK_SECONDS``."""
    try:
        return when_database_answers(
            lambda: EvidenceFile.objects.filter(file__in=names).exists(),
            patience=COMMIT_CHECK_SECONDS)
    except DatabaseError:
        return None


class _Written(list):
    """The files (storage, name) stored by the current transaction."""

    committed_maybe = False

    def add(self, field_file):
        self.append((field_file.storage, field_file.name))

    def committing(self):
        self.committed_maybe = True

    def delete(self):
        for storage, name in self:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 - the original error matters more
                logger.exception("evidence upload: could not delete %s after a failed save",
                                 name)


def _store(answer, prepared, actor, written, **fields):
    evidence = EvidenceFile(
        answer=answer,
        original_name=prepared.original_name,
        kind=prepared.kind,
        content_type=prepared.content_type,
        size=prepared.size,
        sha256=prepared.sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    evidence.file.save(f"upload.{prepared.extension}", prepared.content, save=False)
    written.add(evidence.file)
    evidence.save(force_insert=True)
    return evidence


def add_evidence(answer, uploaded_file, actor, *, request=None, now=None) -> EvidenceFile:
    """Attach a new file to ``answer``. Raises ``EvidenceRejected`` (message for the user)
    for a file of the wrong type, too big or empty; ``PermissionDenied`` when the actor may
    not change the application."""
    _guard_change(actor, answer, now)
    prepared = prepare_upload(uploaded_file)
    with _files_kept_only_if_saved() as written, transaction.atomic():
        _lock_editable(answer, now)
        evidence = _store(answer, prepared, actor, written,
                          **({"uploaded_at": now} if now else {}))
        log_action("evidence.uploaded", actor=actor, obj=evidence, after=_summary(evidence),
                   request=request)
        written.committing()
    return evidence


def replace_evidence(old, uploaded_file, actor, *, request=None) -> EvidenceFile:
    """A new version of ``old``: ``old`` stays stored but is no longer current."""
    _guard_change(actor, old.answer)
    prepared = prepare_upload(uploaded_file)
    with _files_kept_only_if_saved() as written, transaction.atomic():
        _lock_editable(old.answer)
        locked = EvidenceFile.objects.select_for_update().get(pk=old.pk)
        if not locked.is_current:
            raise EvidenceRejected(_("This file has already been replaced or removed."))
        evidence = _store(old.answer, prepared, actor, written, version=locked.version + 1,
                          replaces=locked, carried_from=None)
        locked.is_current = False
        locked.save(update_fields=["is_current"])
        log_action("evidence.replaced", actor=actor, obj=evidence, before=_summary(locked),
                   after=_summary(evidence), request=request)
        written.committing()
    old.is_current = False
    return evidence


def remove_evidence(evidence, actor, *, request=None) -> EvidenceFile:
    """Take a file off its answer. The row and the stored bytes are kept for the record."""
    _guard_change(actor, evidence.answer)
    with transaction.atomic():
        _lock_editable(evidence.answer)
        locked = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
        if not locked.is_current:
            raise EvidenceRejected(_("This file has already been replaced or removed."))
        locked.is_current = False
        locked.removed_at = timezone.now()
        locked.removed_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["is_current", "removed_at", "removed_by"])
        log_action("evidence.removed", actor=actor, obj=locked, before={"is_current": True},
                   after={"is_current": False}, data={"file": _summary(locked)},
                   request=request)
    evidence.is_current, evidence.removed_at, evidence.removed_by = (
        False, locked.removed_at, locked.removed_by)
    return evidence


def carry_forward(old_answer, new_answer, actor=None, *, request=None) -> list[EvidenceFile]:
    """Copy the current files of ``old_answer`` (a previous round) onto ``new_answer`` (its
    renewal) as new current rows sharing the same stored file and SHA-256; no bytes are
    copied. Files already carried onto ``new_answer`` are skipped, so it can run twice.

    Called by the renewal domain function, which checks who may start a renewal; here the
    guard is that both answers belong to the same unit and the new application is editable.
    """
    new_application = new_answer.application
    if new_application.state not in EDITABLE_STATES:
        raise PermissionDenied(_("You cannot change the evidence of this application."))
    if old_answer.application.unit_id != new_application.unit_id:
        raise ValueError("Evidence can only be carried forward within the same service unit")
    already = set(
        EvidenceFile.objects.filter(answer=new_answer, carried_from__isnull=False)
        .values_list("carried_from_id", flat=True))
    carried = []
    with transaction.atomic():
        for source in EvidenceFile.objects.current().filter(answer=old_answer).order_by(
                "uploaded_at", "pk"):
            if source.pk in already:
                continue
            evidence = EvidenceFile(
                answer=new_answer, file=source.file.name, original_name=source.original_name,
                kind=source.kind, content_type=source.content_type, size=source.size,
                sha256=source.sha256, uploaded_by=source.uploaded_by,
                uploaded_at=source.uploaded_at, version=1, carried_from=source)
            evidence.save(force_insert=True)
            log_action("evidence.carried_forward", actor=actor, obj=evidence,
                       after=_summary(evidence), data={"carried_from": source.pk},
                       request=request)
            carried.append(evidence)
    return carried
