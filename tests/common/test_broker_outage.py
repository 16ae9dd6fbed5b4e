"""A broker or cache outage never turns a saved change into an error page, nor loses a
message (issue 9, point 1).

Each flow runs with Celery in production mode (not eager) and the broker, the result
backend and the cache pointed at a closed port. The page answers normally, the change is
saved, the work stays visibly waiting (an outbox message ``queued``, an import job
``validating`` or ``pending``), and the sweep finishes it once it runs. After-commit hooks
run when the request's ``post`` returns (``django_capture_on_commit_callbacks``), as they
would when the view's transaction commits in production.

How long a refused connection costs is not timed here (no timed tests): the settings that
bound it are checked instead.
"""

import datetime
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gecc.applications.domain import return_for_correction
from gecc.applications.models import Application
from gecc.audit.models import AuditEntry
from gecc.celery import app as celery_app
from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxMessage
from gecc.registry.enums import ImportStatus
from gecc.registry.models import ImportJob, ServiceUnit
from tests.applications.factories import DURING, answer_all, make_application, make_round
from tests.celery.test_tasks import _configured
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.helpers import csv_text, unit_row
from tests.registry.view_helpers import upload

pytestmark = pytest.mark.django_db

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(autouse=True)
def _mail_and_media(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def outage(settings):
    """``with outage():`` runs its block with Redis unreachable for Celery and the cache."""

    @contextmanager
    def down():
        previous = settings.CACHES
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
        try:
            with _configured(celery_app, broker_url=CLOSED, result_backend=CLOSED,
                             task_always_eager=False):
                yield
        finally:
            settings.CACHES = previous

    return down


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST, then run the after-commit hooks the request left (the enqueueing)."""

    def send(url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return send


def sweep_later():
    """The periodic sweep, run as the command once the waiting work is old enough."""
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).update(next_attempt_at=long_ago)
    ImportJob.objects.update(created_at=long_ago)
    call_command("sweep_queues")


def sent_events():
    return sorted(OutboxMessage.objects.filter(status=OutboxStatus.SENT)
                  .values_list("event", flat=True))


def test_resubmit_with_the_broker_down_saves_and_keeps_the_email_queued(
        client, make_user, post, outage, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(timezone, "now", lambda: DURING)  # inside the application period
    secretariat, coordinator = make_user("secretariat"), make_user("coordinator")
    unit = ServiceUnitFactory(coordinators=[coordinator])
    application = answer_all(make_application(make_round(secretariat), unit, coordinator))
    client.force_login(coordinator)
    submit_url = reverse("portal:application.submit", kwargs={"pk": application.pk})
    post(submit_url)
    with django_capture_on_commit_callbacks(execute=True):
        return_for_correction(application, secretariat,
                              DURING.date() + datetime.timedelta(days=30))
    assert len(mail.outbox) == 2  # submitted, returned: sent while the broker was up

    with outage():
        response = post(submit_url)
        page = client.get(response.url)

    assert response.status_code == 302
    assert page.status_code == 200
    assert "ระบบจะส่งอีเมลยืนยันพร้อมใบรับการยื่นถึงผู้ประสานงานของหน่วยบริการตามไป" in \
        page.content.decode()
    assert Application.objects.get(pk=application.pk).state == "resubmitted"
    assert AuditEntry.objects.filter(action="application.resubmitted").count() == 1
    message = OutboxMessage.objects.get(event="application.resubmitted")
    assert (message.status, message.attempts) == (OutboxStatus.QUEUED, 0)
    assert len(mail.outbox) == 2

    monkeypatch.undo()
    sweep_later()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
    assert len(mail.outbox) == 3
    assert mail.outbox[-1].to == [coordinator.email, "contact@unit.go.th"]


def test_invite_with_the_broker_down_creates_the_account_and_the_invitation_follows(
        client, login_as, post, outage):
    login_as("secretariat")
    unit = ServiceUnitFactory()
    with outage():
        response = post(reverse("registry:unit.invite", args=[unit.code]),
                        {"email": "somsri@example.go.th", "full_name": "สมศรี ใจดี"}, follow=True)

    assert response.status_code == 200
    assert "คำเชิญจะตามไปทางอีเมล" in response.content.decode()
    assert list(unit.coordinators.values_list("email", flat=True)) == ["somsri@example.go.th"]
    assert AuditEntry.objects.filter(action="unit.coordinator_invited").count() == 1
    message = OutboxMessage.objects.get(event="unit.coordinator_invited")
    assert message.status == OutboxStatus.QUEUED
    assert mail.outbox == []

    sweep_later()
    assert sent_events() == ["unit.coordinator_invited"]
    [email] = mail.outbox
    assert email.to == ["somsri@example.go.th"]
    assert "/accounts/password/reset/" in email.body  # the link to choose a password


def test_large_import_with_the_broker_down_waits_visibly_then_the_sweep_runs_it(
        client, login_as, post, outage, settings):
    settings.REGISTRY_IMPORT_BACKGROUND_ROWS = 1
    OrganizationFactory(code="BAAC")
    login_as("secretariat")
    content = csv_text([unit_row(), unit_row(unit_code="LPN-2")]).encode("utf-8")
    with outage():
        response = post(reverse("registry:import.create"),
                        {"kind": "units", "file": upload("units.csv", content)}, follow=True)

    assert response.status_code == 200
    assert "ติดต่อระบบงานเบื้องหลังไม่ได้" in response.content.decode()
    job = ImportJob.objects.get()
    assert (job.status, job.progress) == (ImportStatus.VALIDATING, 0)

    sweep_later()
    job.refresh_from_db()
    assert (job.status, job.row_count) == (ImportStatus.AWAITING_CONFIRMATION, 2)

    with outage():
        response = post(reverse("registry:import.confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING
    assert ServiceUnit.objects.count() == 0

    sweep_later()
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 2)
    assert ServiceUnit.objects.count() == 2


def test_password_reset_request_with_the_cache_and_broker_down_answers_normally(
        client, make_user, post, outage):
    user = make_user("coordinator")
    with outage():
        response = post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    entry = AuditEntry.objects.get(action="user.password_reset_requested")
    assert entry.data["email"] == user.email


def test_a_down_broker_costs_a_request_about_a_second_by_configuration():
    """The bounds that keep a refused or silent broker short (measured figures are in
    docs/deploy.md): one connection attempt of at most a second, one quick retry."""
    conf = celery_app.conf
    assert conf.broker_connection_timeout <= 1
    transport = conf.broker_transport_options
    assert transport["max_retries"] <= 1
    assert transport["interval_max"] <= 0.5
    assert transport["socket_connect_timeout"] <= 1
    assert transport["socket_timeout"] <= 5
    assert conf.task_publish_retry_policy["max_retries"] <= 1
    # The result backend's default is 20 reconnection attempts a second apart.
    backend_retry = conf.result_backend_transport_options["retry_policy"]
    assert backend_retry["max_retries"] <= 2
    assert backend_retry["interval_max"] <= 0.5
    assert conf.redis_socket_connect_timeout <= 1
    assert conf.redis_socket_timeout <= 5


def test_the_sweep_runs_periodically():
    celery_app.loader.import_default_modules()
    [entry] = [entry for entry in celery_app.conf.beat_schedule.values()
               if entry["task"] == "gecc.common.sweep"]
    assert entry["schedule"] <= 600
    assert "gecc.common.sweep" in celery_app.tasks
