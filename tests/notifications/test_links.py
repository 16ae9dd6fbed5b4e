"""E-mails never carry a relative link: links are built from SITE_URL, the outbox refuses a
message that still has one, and a system check asks for SITE_URL before real mail goes out."""

import types
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template.loader import get_template

from gecc.audit.models import AuditEntry
from gecc.common.urls import absolute_url
from gecc.notifications.checks import check_site_url, check_site_url_deploy
from gecc.notifications.domain import deliver, notify, render_email
from gecc.notifications.domain.links import relative_links
from gecc.notifications.enums import OutboxStatus
from tests.notifications.factories import OutboxMessageFactory, application_context

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def every_event():
    folder = Path(get_template("notifications/email/layout.html").origin.name).parent
    return sorted(path.name for path in folder.iterdir() if path.is_dir())


def sample_context():
    """Every link a caller hands over as a bare path, as the views had them."""
    user = types.SimpleNamespace(get_full_name="สมศรี ใจดี", full_name="สมศรี ใจดี",
                                 email="somsri@lamphun.go.th")
    return {**application_context(url="/portal/applications/9/"), "user": user,
            "email": user.email,
            "reset_url": "/accounts/password/reset/MQ/abc-123/",
            "set_password_url": "/accounts/password/reset/MQ/def-456/",
            "login_url": "/accounts/login/", "unit_url": "/registry/units/U-51-001/"}


# -- building links ------------------------------------------------------------------------

@pytest.mark.parametrize(("site_url", "path", "expected"), [
    ("https://gecc.example.go.th", "/portal/applications/9/",
     "https://gecc.example.go.th/portal/applications/9/"),
    ("https://gecc.example.go.th/", "/portal/applications/9/",
     "https://gecc.example.go.th/portal/applications/9/"),
    ("https://gecc.example.go.th", "https://elsewhere.example/x/", "https://elsewhere.example/x/"),
    ("", "/portal/applications/9/", "/portal/applications/9/"),
])
def test_absolute_url_joins_site_url_and_path(settings, site_url, path, expected):
    settings.SITE_URL = site_url
    assert absolute_url(path) == expected


def test_absolute_url_without_site_url_uses_the_request(settings, rf):
    settings.SITE_URL = ""
    request = rf.get("/", HTTP_HOST="127.0.0.1:8024")
    assert absolute_url("/accounts/login/", request) == "http://127.0.0.1:8024/accounts/login/"


@pytest.mark.parametrize(("text", "found"), [
    ('<p><a href="/portal/applications/9/">เปิด</a></p>', ["/portal/applications/9/"]),
    ("<a href='portal/9/'>x</a>", ["portal/9/"]),
    ("เปิดที่ /portal/applications/9/ ได้เลย", ["/portal/applications/9/"]),
    ("(/staff/outbox/)", ["/staff/outbox/"]),
    ('<a href="https://gecc.example/portal/9/">x</a> http://gecc.example/staff/', []),
    ('<a href="mailto:a@b.th">a</a><a href="#top">t</a></p></div>', []),
    ("วันที่ 08/06/2563 และ/หรือ ข้อ 3 /4 ก / ข", []),
])
def test_relative_links_are_found_in_html_and_text(text, found):
    assert relative_links(text) == found


@pytest.mark.parametrize("event", every_event())
def test_every_email_template_renders_without_a_relative_link(settings, event):
    settings.SITE_URL = "https://gecc.example.go.th"
    email = render_email(event, sample_context())
    assert relative_links(email.body_html) == []
    assert relative_links(email.body_text) == []
    assert "https://gecc.example.go.th/" in email.body_text + email.body_html


def test_every_event_is_scanned():
    assert {"application.returned", "unit.coordinator_invited",
            "user.password_reset"} <= set(every_event())


# -- the outbox refuses a relative link --------------------------------------------------------

@pytest.mark.django_db
def test_notify_without_site_url_stores_the_message_failed_with_the_reason(settings):
    settings.SITE_URL = ""
    [message] = notify("application.submitted", recipients=["unit@lamphun.go.th"],
                       context=application_context(url="/portal/applications/9/"))
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.last_error.startswith(
        "ไม่ได้ส่ง: ข้อความมีลิงก์แบบสัมพัทธ์ซึ่งเปิดจากโปรแกรมอีเมลไม่ได้ (/portal/applications/9/)")
    assert "SITE_URL" in message.last_error
    assert mail.outbox == []
    assert AuditEntry.objects.get(action="notification.failed").data["error"] == \
        message.last_error


@pytest.mark.django_db
def test_notify_with_site_url_sends_an_absolute_link(settings,
                                                     django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://gecc.example.go.th"
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify("application.submitted", recipients=["unit@lamphun.go.th"],
                           context=application_context(url="/portal/applications/9/"))
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    html = mail.outbox[0].alternatives[0][0]
    assert 'href="https://gecc.example.go.th/portal/applications/9/"' in html


@pytest.mark.django_db
def test_a_stored_message_with_a_relative_link_is_never_sent():
    message = OutboxMessageFactory(status=OutboxStatus.QUEUED,
                                   body_html='<a href="/portal/applications/9/">x</a>')
    message, error = deliver(message.pk)
    assert (message.status, message.attempts, mail.outbox) == (OutboxStatus.FAILED, 0, [])
    assert "/portal/applications/9/" in message.last_error
    assert str(error) == message.last_error


# -- the system checks ---------------------------------------------------------------------------

def test_check_errors_when_real_mail_goes_out_without_site_url(settings):
    settings.SITE_URL, settings.EMAIL_BACKEND, settings.DEBUG = "", SMTP, False
    assert [error.id for error in check_site_url()] == ["gecc.E002"]
    with pytest.raises(SystemCheckError, match="gecc.E002"):
        call_command("check")


def test_check_is_quiet_with_the_console_backend_and_warns_on_deploy(settings):
    settings.SITE_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert check_site_url() == []
    assert [warning.id for warning in check_site_url_deploy()] == ["gecc.W001"]


@pytest.mark.parametrize("site_url", ["gecc.example.go.th", "ftp://gecc.example", "https://",
                                      "https://gecc.example/?a=1"])
def test_check_refuses_a_site_url_that_is_not_an_address(settings, site_url):
    settings.SITE_URL = site_url
    assert [error.id for error in check_site_url()] == ["gecc.E001"]


def test_checks_pass_with_site_url(settings):
    settings.SITE_URL, settings.EMAIL_BACKEND = "https://gecc.example.go.th", SMTP
    assert check_site_url() + check_site_url_deploy() == []
