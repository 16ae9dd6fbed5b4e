"""The outbox sweep: messages a broker outage left queued are sent later, once."""

import datetime
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gecc.audit.models import AuditEntry
from gecc.notifications.domain import resend, stale_messages, sweep_outbox
from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxMessage
from gecc.notifications.tasks import RETRY_DELAYS, send_outbox_message
from tests.notifications.factories import make_message

pytestmark = pytest.mark.django_db

UNREACHABLE = "tests.notifications.backends.UnreachableBackend"
NOW = timezone.now()


def ago(**kwargs):
    return NOW - datetime.timedelta(**kwargs)


def queued(due, **kwargs):
    return make_message(status=OutboxStatus.QUEUED, next_attempt_at=due, **kwargs)


def test_only_messages_overdue_by_the_grace_period_are_stale(settings):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 300
    overdue = queued(ago(minutes=6))
    queued(ago(minutes=4))  # its task may still be on the way
    queued(NOW + datetime.timedelta(hours=1))  # a retry waiting for its delay
    make_message(status=OutboxStatus.SENT, next_attempt_at=None)
    make_message(status=OutboxStatus.FAILED, next_attempt_at=None)
    legacy = queued(None, created_at=ago(hours=2))  # stored before next_attempt_at existed
    queued(None, created_at=ago(minutes=1))
    assert set(stale_messages(NOW)) == {overdue, legacy}


def test_sweep_sends_a_stale_message_once():
    message = queued(ago(hours=1))
    assert sweep_outbox(now=NOW) == {"sent": 1, "queued": 0, "failed": 0}
    assert sweep_outbox(now=NOW) == {"sent": 0, "queued": 0, "failed": 0}
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (
        OutboxStatus.SENT, 1, None)


def test_sweep_leaves_a_message_taken_meanwhile():
    message = queued(ago(hours=1))
    with mock.patch("gecc.notifications.domain.sweep._claim", return_value=0):
        assert sweep_outbox(now=NOW)["sent"] == 0
    assert mail.outbox == []
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.QUEUED


def test_sweep_keeps_a_message_queued_while_the_mail_server_is_unreachable(settings):
    settings.EMAIL_BACKEND = UNREACHABLE
    message = queued(ago(hours=1), attempts=1)
    assert sweep_outbox(now=NOW) == {"sent": 0, "queued": 1, "failed": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.QUEUED, 2)
    assert message.next_attempt_at > timezone.now() + datetime.timedelta(
        seconds=RETRY_DELAYS[1] - 60)
    assert not AuditEntry.objects.filter(action="notification.failed").exists()


def test_sweep_fails_a_message_after_the_last_attempt(settings):
    settings.EMAIL_BACKEND = UNREACHABLE
    message = queued(ago(hours=1), attempts=len(RETRY_DELAYS))
    assert sweep_outbox(now=NOW) == {"sent": 0, "queued": 0, "failed": 1}
    message.refresh_from_db()
    assert (message.status, message.next_attempt_at) == (OutboxStatus.FAILED, None)
    assert AuditEntry.objects.filter(action="notification.failed").count() == 1


def test_a_worker_retry_sets_when_the_next_attempt_is_due(settings):
    settings.EMAIL_BACKEND = UNREACHABLE
    message = queued(NOW)
    with (mock.patch.object(send_outbox_message, "retry", side_effect=Retry()),
          pytest.raises(Retry)):
        send_outbox_message.run(message.pk)
    message.refresh_from_db()
    expected = timezone.now() + datetime.timedelta(seconds=RETRY_DELAYS[0])
    assert abs((message.next_attempt_at - expected).total_seconds()) < 30


def test_resend_makes_the_message_due_now(make_user, monkeypatch):
    monkeypatch.setattr("gecc.notifications.domain.outbox.schedule_send", lambda message: None)
    message = make_message(status=OutboxStatus.FAILED, next_attempt_at=None)
    resend(message, actor=make_user("secretariat"))
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert abs((message.next_attempt_at - timezone.now()).total_seconds()) < 30


def test_sweep_queues_command_reports_what_it_did(capsys):
    queued(ago(hours=1))
    call_command("sweep_queues")
    out = capsys.readouterr().out
    assert "gecc.notifications.domain.sweep.sweep_outbox: failed=0, queued=0, sent=1" in out
    assert "gecc.registry.tasks.sweep_import_jobs: checked=0, imported=0" in out


def test_outbox_page_does_not_show_the_text_of_a_password_link(client, login_as):
    login_as("secretariat")
    message = make_message(event="user.password_reset",
                           body_text="https://gecc.example/accounts/password/reset/Mg/secret/",
                           body_html="<a href='/accounts/password/reset/Mg/secret/'>link</a>")
    html = client.get(reverse("notifications:message.detail", args=[message.pk])).content
    assert b"/reset/Mg/secret/" not in html
    assert b'data-testid="outbox-body-hidden"' in html
    other = make_message(event="application.submitted", body_text="ข้อความ ธรรมดา")
    html = client.get(reverse("notifications:message.detail", args=[other.pk])).content
    assert "ข้อความ ธรรมดา" in html.decode()
