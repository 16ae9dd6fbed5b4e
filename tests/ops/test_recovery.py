"""The pieces the restart tests rely on, one failure at a time, on the suite's database.

* An evidence upload whose database write fails (before or at the COMMIT) leaves no file in
  storage, unless its row was in fact stored.
* An outbox message is sent by exactly one delivery: a second delivery of its task, or the
  sweep, sends nothing while it is being sent, and a message left ``sending`` by a dead
  worker is sent again once; the outcome of an attempt waits out a database restart.
* An import job is worked on by one process at a time: the sweep imports again a job whose
  worker died, checks again a file whose check stopped half-way, and leaves alone a job a
  live worker holds.
"""

import datetime
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, connections
from django.utils import timezone

from gecc.common import db as common_db
from gecc.evidence.domain import evidence as evidence_domain
from gecc.evidence.domain.evidence import add_evidence, replace_evidence
from gecc.evidence.models import EvidenceFile
from gecc.notifications.domain import sweep_outbox
from gecc.notifications.domain.sending import build_email, claim, deliver
from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxMessage
from gecc.notifications.tasks import send_outbox_message
from gecc.registry.enums import ImportKind, ImportStatus
from gecc.registry.models import ImportJob, ServiceUnit
from gecc.registry.tasks import import_file_task, job_lock, sweep_import_jobs
from tests.evidence import samples
from tests.evidence.factories import AnswerFactory
from tests.notifications.factories import make_message
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.helpers import unit_row, xlsx_bytes

RESTARTING = "terminating connection due to administrator command"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_evidence(settings):
    folder = settings.MEDIA_ROOT / "evidence"
    return sorted(str(path.relative_to(settings.MEDIA_ROOT)) for path in folder.rglob("*")
                  if path.is_file()) if folder.exists() else []


def pdf_upload():
    return SimpleUploadedFile("รายงาน.pdf", samples.pdf_bytes())


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator")


@pytest.fixture
def answer(coordinator):
    return AnswerFactory(application__unit=ServiceUnitFactory(coordinators=[coordinator]))


# -- evidence ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("failing", ["the row", "the audit entry"])
def test_an_upload_whose_database_write_fails_leaves_no_file(answer, coordinator, settings,
                                                             monkeypatch, failing):
    written = []

    def down(*args, **kwargs):
        written.extend(stored_evidence(settings))  # the file is there at this moment
        raise OperationalError(RESTARTING)

    if failing == "the row":
        monkeypatch.setattr(EvidenceFile, "save", down)
    else:
        monkeypatch.setattr(evidence_domain, "log_action", down)
    with pytest.raises(OperationalError):
        add_evidence(answer, pdf_upload(), coordinator)
    assert len(written) == 1
    assert stored_evidence(settings) == []
    assert not EvidenceFile.objects.exists()


@pytest.mark.django_db
def test_a_replacement_whose_database_write_fails_leaves_only_the_old_file(
        answer, coordinator, settings, monkeypatch):
    old = add_evidence(answer, pdf_upload(), coordinator)
    monkeypatch.setattr(evidence_domain, "log_action",
                        mock.Mock(side_effect=OperationalError(RESTARTING)))
    with pytest.raises(OperationalError):
        replace_evidence(old, pdf_upload(), coordinator)
    assert stored_evidence(settings) == [old.file.name]
    assert list(EvidenceFile.objects.values_list("pk", "is_current")) == [(old.pk, True)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("committed", [False, True])
def test_an_upload_whose_commit_fails_keeps_its_file_only_if_the_row_was_stored(
        answer, coordinator, settings, committed):
    """The COMMIT raises (the connection was cut): the database is asked whether the row
    was stored before the file is deleted."""
    wrapper = connections["default"]
    real_commit = wrapper.commit

    def commit_then_cut():
        if committed:
            real_commit()
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(wrapper, "commit", side_effect=commit_then_cut), \
            pytest.raises(OperationalError):
        add_evidence(answer, pdf_upload(), coordinator)
    rows = list(EvidenceFile.objects.values_list("file", flat=True))
    assert stored_evidence(settings) == rows
    assert len(rows) == (1 if committed else 0)


# -- the outbox ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_message_being_sent_is_not_sent_by_a_second_delivery_nor_by_the_sweep(settings):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 300
    now = timezone.now()
    message = make_message(status=OutboxStatus.QUEUED,
                           next_attempt_at=now - datetime.timedelta(hours=1))
    assert claim(message.pk) is True  # the first delivery has it
    assert claim(message.pk) is False
    assert send_outbox_message.run(message.pk) == OutboxStatus.SENDING
    assert sweep_outbox()["sent"] == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_message_a_dead_worker_left_sending_is_sent_again_once(settings):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 300
    now = timezone.now()
    abandoned = make_message(status=OutboxStatus.SENDING, attempts=0,
                             next_attempt_at=now - datetime.timedelta(minutes=6))
    recent = make_message(status=OutboxStatus.SENDING, attempts=0,
                          next_attempt_at=now - datetime.timedelta(minutes=1))
    assert sweep_outbox(now=now) == {"sent": 1, "queued": 0, "failed": 0}
    assert sweep_outbox(now=now) == {"sent": 0, "queued": 0, "failed": 0}
    # The task the broker gives to another worker finds it sent.
    assert send_outbox_message.run(abandoned.pk) == OutboxStatus.SENT
    assert [email.to for email in mail.outbox] == [abandoned.to]
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.attempts) == (OutboxStatus.SENT, 1)
    assert OutboxMessage.objects.get(pk=recent.pk).status == OutboxStatus.SENDING


@pytest.mark.django_db
def test_a_late_task_sends_a_message_a_dead_worker_left_sending(settings):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 300
    message = make_message(status=OutboxStatus.SENDING,
                           next_attempt_at=timezone.now() - datetime.timedelta(minutes=6))
    assert send_outbox_message.run(message.pk) == OutboxStatus.SENT
    assert send_outbox_message.run(message.pk) == OutboxStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_every_copy_of_a_message_carries_the_same_message_id(settings):
    settings.SITE_URL = "https://gecc.example.go.th"
    message = make_message(status=OutboxStatus.QUEUED)
    first, second = build_email(message).message(), build_email(message).message()
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"].startswith(f"<outbox.{message.pk}.")
    assert first["Message-ID"].endswith("@gecc.example.go.th>")
    other = make_message(status=OutboxStatus.QUEUED)
    assert build_email(other).message()["Message-ID"] != first["Message-ID"]


@pytest.mark.django_db(transaction=True)
def test_the_outcome_of_a_send_waits_for_the_database_to_come_back(monkeypatch):
    """The mail server took the message, then the database restarted: the outcome is
    written once it answers again, or the message would be sent a second time."""
    message = make_message(status=OutboxStatus.QUEUED, next_attempt_at=timezone.now())
    real_save = OutboxMessage.save
    failures = []

    def restarting(self, *args, **kwargs):
        if len(failures) < 2:
            failures.append(kwargs.get("update_fields"))
            raise OperationalError(RESTARTING)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(OutboxMessage, "save", restarting)
    pauses = []
    monkeypatch.setattr(common_db, "time", mock.Mock(
        monotonic=common_db.time.monotonic, sleep=pauses.append))
    returned, error = deliver(message.pk)
    assert error is None and len(mail.outbox) == 1
    assert len(failures) == 2 and len(pauses) == 2
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


# -- registry imports ----------------------------------------------------------------------------


def make_job(rows, user, status, **fields):
    job = ImportJob(kind=ImportKind.UNITS, original_name="units.xlsx", created_by=user,
                    status=status, **fields)
    job.file.save("units.xlsx", ContentFile(xlsx_bytes(rows)), save=True)
    return job


def later():
    return timezone.now() + datetime.timedelta(minutes=10)


@pytest.mark.django_db
def test_the_sweep_imports_again_a_job_whose_worker_died(make_user):
    OrganizationFactory(code="BAAC")
    job = make_job([unit_row(), unit_row(unit_code="U2")], make_user("secretariat"),
                   ImportStatus.RUNNING, progress=40)
    assert sweep_import_jobs() == {"checked": 0, "imported": 1}
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 2)
    assert sorted(ServiceUnit.objects.values_list("code", flat=True)) == ["LPN-BAAC-01", "U2"]
    assert sweep_import_jobs() == {"checked": 0, "imported": 0}


@pytest.mark.django_db
def test_the_sweep_checks_again_a_file_whose_check_stopped_half_way(make_user):
    OrganizationFactory(code="BAAC")
    job = make_job([unit_row()], make_user("secretariat"), ImportStatus.VALIDATING,
                   progress=40)
    assert sweep_import_jobs(now=later()) == {"checked": 1, "imported": 0}
    job.refresh_from_db()
    assert (job.status, job.row_count, job.to_create_count) == (
        ImportStatus.AWAITING_CONFIRMATION, 1, 1)


class HeldElsewhere:
    """The job's lock held by another thread (its own database connection), as a live
    worker holds it while it imports."""

    def __init__(self, pk):
        self.pk, self.taken, self.done = pk, threading.Event(), threading.Event()
        self.held = None
        self.thread = threading.Thread(target=self.hold)

    def hold(self):
        try:
            with job_lock(self.pk) as held:
                self.held = held
                self.taken.set()
                self.done.wait(30)
        finally:
            connection.close()
            self.taken.set()

    def __enter__(self):
        self.thread.start()
        self.taken.wait(30)
        assert self.held is True
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join(30)


@pytest.mark.django_db
def test_a_job_a_live_worker_holds_is_left_alone(make_user):
    OrganizationFactory(code="BAAC")
    user = make_user("secretariat")
    running = make_job([unit_row()], user, ImportStatus.RUNNING, progress=40)
    pending = make_job([unit_row(unit_code="U2")], user, ImportStatus.PENDING)
    checking = make_job([unit_row(unit_code="U3")], user, ImportStatus.VALIDATING, progress=40)
    with HeldElsewhere(running.pk), HeldElsewhere(pending.pk), HeldElsewhere(checking.pk):
        assert sweep_import_jobs(now=later()) == {"checked": 0, "imported": 0}
        assert import_file_task(pending.pk) == ImportStatus.PENDING  # a task delivered twice
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {running.pk: ImportStatus.RUNNING, pending.pk: ImportStatus.PENDING,
                        checking.pk: ImportStatus.VALIDATING}
    assert not ServiceUnit.objects.exists()
    # Once the worker is gone, the sweep takes them all.
    assert sweep_import_jobs(now=later()) == {"checked": 1, "imported": 2}
