"""notify(): stored once, sent once after commit, failures kept; resend."""

import smtplib
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction

from gecc.audit.models import AuditEntry
from gecc.notifications.domain import (
    NotificationError,
    UnknownEventError,
    is_connection_error,
    notify,
    resend,
)
from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxChangeError, OutboxMessage
from gecc.notifications.tasks import send_outbox_message
from tests.notifications.factories import application_context, make_message

pytestmark = pytest.mark.django_db

REFUSING = "tests.notifications.backends.RefusingBackend"
UNREACHABLE = "tests.notifications.backends.UnreachableBackend"


def test_notify_stores_one_message_and_sends_it_once_after_commit(
        django_capture_on_commit_callbacks, make_user, settings):
    settings.DEFAULT_FROM_EMAIL = "GECC <no-reply@gecc.example>"
    actor = make_user("coordinator")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        messages = notify("application.submitted", recipients=["a@lamphun.go.th"],
                          context=application_context(), obj=actor, actor=actor)
        assert mail.outbox == []  # nothing leaves before the transaction commits
        assert OutboxMessage.objects.get().status == OutboxStatus.QUEUED

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["a@lamphun.go.th"]
    assert sent.subject == "ได้รับใบสมัครแล้ว รอบปี 2563 / Application received: round 2563"
    assert sent.from_email == "GECC <no-reply@gecc.example>"
    assert sent.body.startswith("เรียน ผู้ประสานงานหน่วยบริการ")
    assert sent.alternatives[0].mimetype == "text/html"
    message = OutboxMessage.objects.get()
    assert messages == [message]
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.last_error == ""
    assert message.event == "application.submitted"
    assert message.actor == actor
    assert message.object_id == str(actor.pk)
    assert message.object_repr == str(actor)
    assert message.content_type.model == "user"


def test_notify_deduplicates_and_drops_empty_recipients(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify("application.accepted",
                           recipients=["a@lamphun.go.th", "", None, " b@lamphun.go.th ",
                                       "A@Lamphun.go.th", "b@lamphun.go.th"],
                           context=application_context())
    assert message.to == ["a@lamphun.go.th", "b@lamphun.go.th"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@lamphun.go.th", "b@lamphun.go.th"]


def test_notify_without_recipients_stores_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify("application.accepted", recipients=["", "  "],
                      context=application_context()) == []
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_notify_unknown_event_raises_and_stores_nothing():
    with pytest.raises(UnknownEventError, match="application.approved"):
        notify("application.approved", recipients=["a@lamphun.go.th"],
               context=application_context())
    assert OutboxMessage.objects.count() == 0


def test_notify_writes_no_audit_entry_on_success(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify("application.accepted", recipients=["a@lamphun.go.th"],
               context=application_context())
    assert list(AuditEntry.objects.values_list("action", flat=True)) == []


def test_refused_message_is_marked_failed_with_the_error_and_audited(
        django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = REFUSING
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify("application.rejected", recipients=["unit@lamphun.go.th"],
                           context=application_context(reason="เอกสารไม่ครบ"))
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert message.sent_at is None
    assert message.last_error.startswith("SMTPRecipientsRefused: ")
    assert "No such user" in message.last_error
    entry = AuditEntry.objects.get()
    assert entry.action == "notification.failed"
    assert entry.object_id == str(message.pk)
    assert entry.data["event"] == "application.rejected"
    assert entry.data["to"] == ["unit@lamphun.go.th"]
    assert entry.data["error"] == message.last_error


def test_eager_connection_error_fails_at_once_without_retrying(
        django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = UNREACHABLE
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify("application.accepted", recipients=["unit@lamphun.go.th"],
                           context=application_context())
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert message.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"


def test_worker_retries_a_connection_error_and_keeps_the_message_queued(settings):
    settings.EMAIL_BACKEND = UNREACHABLE
    message = make_message(status=OutboxStatus.QUEUED)
    with (mock.patch.object(send_outbox_message, "retry", side_effect=Retry()) as retry,
          pytest.raises(Retry)):
        send_outbox_message.run(message.pk)  # as a worker runs it: not eager
    assert retry.call_args.kwargs["countdown"] == 60
    assert isinstance(retry.call_args.kwargs["exc"], ConnectionRefusedError)
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert not AuditEntry.objects.filter(action="notification.failed").exists()


def test_worker_does_not_retry_a_refusal(settings):
    settings.EMAIL_BACKEND = REFUSING
    message = make_message(status=OutboxStatus.QUEUED)
    with mock.patch.object(send_outbox_message, "retry", side_effect=Retry()) as retry:
        assert send_outbox_message.run(message.pk) == OutboxStatus.FAILED
    assert retry.call_count == 0


def test_sending_task_never_sends_a_sent_message_twice():
    message = make_message(status=OutboxStatus.QUEUED)
    assert send_outbox_message.delay(message.pk).get() == OutboxStatus.SENT
    assert send_outbox_message.delay(message.pk).get() == OutboxStatus.SENT
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_console_backend_sends(settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    message = make_message(status=OutboxStatus.QUEUED, to=["unit@lamphun.go.th"])
    assert send_outbox_message.delay(message.pk).get() == OutboxStatus.SENT
    assert "To: unit@lamphun.go.th" in capsys.readouterr().out


@pytest.mark.parametrize(("error", "expected"), [
    (ConnectionRefusedError(111, "refused"), True),
    (TimeoutError("timed out"), True),
    (smtplib.SMTPServerDisconnected("gone"), True),
    (smtplib.SMTPConnectError(421, b"busy"), True),
    (smtplib.SMTPRecipientsRefused({}), False),
    (smtplib.SMTPDataError(554, b"spam"), False),
    (ValueError("bad header"), False),
])
def test_is_connection_error(error, expected):
    assert is_connection_error(error) is expected


def test_resend_queues_a_failed_message_sends_it_and_audits(
        django_capture_on_commit_callbacks, make_user):
    secretariat = make_user("secretariat")
    message = make_message(status=OutboxStatus.FAILED, attempts=1,
                           last_error="ConnectionRefusedError: refused")
    with django_capture_on_commit_callbacks(execute=True):
        resend(message, actor=secretariat)
        assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.QUEUED
        assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1
    entry = AuditEntry.objects.get(action="notification.resent")
    assert entry.actor == secretariat
    assert entry.object_id == str(message.pk)
    assert entry.data["before"] == {"status": "failed"}
    assert entry.data["after"] == {"status": "queued"}


@pytest.mark.parametrize("status", [OutboxStatus.SENT, OutboxStatus.QUEUED])
def test_resend_refuses_a_message_that_has_not_failed(make_user, status,
                                                      django_capture_on_commit_callbacks):
    message = make_message(status=status)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotificationError):
        resend(message, actor=make_user("secretariat"))
    assert mail.outbox == []
    assert not AuditEntry.objects.exists()


def test_message_content_cannot_be_changed():
    message = make_message()
    message.subject = "แก้ไข"
    with pytest.raises(OutboxChangeError):
        message.save()
    with pytest.raises(OutboxChangeError):
        message.save(update_fields=["subject", "status"])
    assert OutboxMessage.objects.get(pk=message.pk).subject != "แก้ไข"


def test_message_delivery_fields_can_change():
    message = make_message(status=OutboxStatus.QUEUED)
    message.status = OutboxStatus.FAILED
    message.save(update_fields=["status"])
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.FAILED


def test_notify_in_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    class Abort(Exception):
        pass

    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort),
          transaction.atomic()):
        notify("application.accepted", recipients=["a@lamphun.go.th"],
               context=application_context())
        raise Abort
    assert callbacks == []
    assert mail.outbox == []
    assert OutboxMessage.objects.count() == 0
