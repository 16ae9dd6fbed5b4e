"""The secretariat's outbox screens."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxMessage
from tests.notifications.factories import make_message

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
LIST_URL = "/staff/outbox/"


def bangkok(*args):
    return datetime.datetime(*args, tzinfo=BANGKOK)


def listed_subjects(response):
    return sorted(message.subject for message in response.context["outbox_messages"])


def page_url(name, message):
    if name == "list":
        return reverse("notifications:message.list")
    return reverse(f"notifications:message.{name}", kwargs={"pk": message.pk})


@pytest.fixture
def secretariat_client(client, login_as):
    login_as("secretariat", email="sec@example.go.th", full_name="สมศรี เลขาฯ")
    return client


# Permissions ----------------------------------------------------------------------------

def test_outbox_urls_have_the_documented_names():
    assert reverse("notifications:message.list") == LIST_URL
    assert reverse("notifications:message.detail", kwargs={"pk": 7}) == "/staff/outbox/7/"
    assert reverse("notifications:message.resend", kwargs={"pk": 7}) == "/staff/outbox/7/resend/"


@pytest.mark.parametrize("name", ["list", "detail", "resend"])
def test_outbox_sends_anonymous_visitors_to_sign_in(client, name):
    response = client.get(page_url(name, make_message(status=OutboxStatus.FAILED)))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["coordinator", "assessor", "steering", None])
@pytest.mark.parametrize("name", ["list", "detail", "resend"])
def test_outbox_is_forbidden_to_everyone_but_the_secretariat(client, login_as, role, name):
    login_as(*([role] if role else []))
    message = make_message(status=OutboxStatus.FAILED)
    assert client.get(page_url(name, message)).status_code == 403
    assert client.post(page_url("resend", message)).status_code == 403
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.FAILED


@pytest.mark.parametrize("name", ["list", "detail", "resend"])
def test_outbox_opens_for_the_secretariat(secretariat_client, name):
    response = secretariat_client.get(page_url(name, make_message(status=OutboxStatus.FAILED)))
    assert response.status_code == 200


def test_outbox_detail_of_a_missing_message_is_404(secretariat_client):
    assert secretariat_client.get("/staff/outbox/999999/").status_code == 404


# List ---------------------------------------------------------------------------------

def test_list_shows_time_in_buddhist_era_event_recipients_subject_and_status(secretariat_client):
    make_message(created_at=bangkok(2020, 6, 8, 14, 5), to=["a@lamphun.go.th", "b@lamphun.go.th"],
                 subject="ได้รับใบสมัครแล้ว รอบปี 2563", status=OutboxStatus.FAILED, attempts=2)
    html = secretariat_client.get(LIST_URL).content.decode()
    assert "8 มิถุนายน 2563 14:05 น." in html
    assert "ยื่นใบสมัครแล้ว" in html  # the event's label
    assert "<code>application.submitted</code>" in html
    assert "a@lamphun.go.th<br>b@lamphun.go.th" in html
    assert "ได้รับใบสมัครแล้ว รอบปี 2563" in html
    assert 'data-testid="outbox-status">ส่งไม่สำเร็จ</span>' in html
    assert "ส่งแล้ว 2 ครั้ง" in html


def test_list_newest_first(secretariat_client):
    make_message(subject="old", created_at=bangkok(2020, 6, 8, 9, 0))
    make_message(subject="new", created_at=bangkok(2020, 6, 9, 9, 0))
    response = secretariat_client.get(LIST_URL)
    assert [m.subject for m in response.context["outbox_messages"]] == ["new", "old"]


def test_list_empty_state(secretariat_client):
    html = secretariat_client.get(LIST_URL).content.decode()
    assert 'data-testid="outbox-empty"' in html
    assert "ยังไม่มีการส่งอีเมล" in html
    assert 'data-testid="outbox-table"' not in html


def test_list_empty_state_with_filters(secretariat_client):
    make_message(status=OutboxStatus.SENT)
    html = secretariat_client.get(LIST_URL, {"status": "failed"}).content.decode()
    assert "ไม่พบข้อความที่ตรงกับเงื่อนไข" in html


def test_list_filter_by_event(secretariat_client):
    make_message(subject="s", event="application.submitted")
    make_message(subject="r", event="application.returned")
    make_message(subject="v", event="visit.scheduled")  # another app's event is offered too
    response = secretariat_client.get(LIST_URL, {"event": "application.returned"})
    assert listed_subjects(response) == ["r"]
    response = secretariat_client.get(LIST_URL, {"event": "visit.scheduled"})
    assert listed_subjects(response) == ["v"]


def test_list_filter_by_status(secretariat_client):
    make_message(subject="sent", status=OutboxStatus.SENT)
    make_message(subject="failed", status=OutboxStatus.FAILED)
    make_message(subject="queued", status=OutboxStatus.QUEUED)
    assert listed_subjects(secretariat_client.get(LIST_URL, {"status": "failed"})) == ["failed"]


def test_list_filter_by_recipient_contains(secretariat_client):
    make_message(subject="one", to=["somchai@lamphun.go.th"])
    make_message(subject="two", to=["other@example.go.th", "Somsri@LAMPHUN.go.th"])
    make_message(subject="three", to=["other@example.go.th"])
    response = secretariat_client.get(LIST_URL, {"recipient": "lamphun"})
    assert listed_subjects(response) == ["one", "two"]


def test_list_filter_by_buddhist_era_date_range(secretariat_client):
    make_message(subject="before", created_at=bangkok(2020, 6, 7, 23, 59))
    make_message(subject="first", created_at=bangkok(2020, 6, 8, 0, 0))
    make_message(subject="last", created_at=bangkok(2020, 6, 9, 23, 59))
    make_message(subject="after", created_at=bangkok(2020, 6, 10, 0, 0))
    response = secretariat_client.get(LIST_URL, {"date_from": "08/06/2563",
                                                 "date_to": "09/06/2563"})
    assert listed_subjects(response) == ["first", "last"]


def test_list_invalid_date_range_shows_nothing_and_the_error(secretariat_client):
    make_message()
    response = secretariat_client.get(LIST_URL, {"date_from": "09/06/2563",
                                                 "date_to": "08/06/2563"})
    assert listed_subjects(response) == []
    assert "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น" in response.content.decode()


def test_list_paginates_by_50(secretariat_client):
    for number in range(51):
        make_message(subject=f"m{number}")
    first = secretariat_client.get(LIST_URL)
    assert len(first.context["outbox_messages"]) == 50
    second = secretariat_client.get(LIST_URL, {"page": 2})
    assert len(second.context["outbox_messages"]) == 1


def count_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST_URL).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_messages(secretariat_client, make_user):
    make_message(event="application.submitted", actor=make_user())
    one = count_list_queries(secretariat_client)
    make_message(event="application.returned", actor=make_user())
    make_message(event="visit.scheduled", actor=make_user())
    three = count_list_queries(secretariat_client)
    assert len(secretariat_client.get(LIST_URL).context["outbox_messages"]) == 3
    assert one == three


# Detail -------------------------------------------------------------------------------

def test_detail_shows_text_and_html_in_a_sandboxed_frame(secretariat_client):
    message = make_message(body_text="เรียน ผู้ประสานงาน\n\nDear coordinator",
                           body_html='<p>เรียน</p><script>alert("x")</script>',
                           to=["a@lamphun.go.th", "b@lamphun.go.th"])
    html = secretariat_client.get(message.get_absolute_url()).content.decode()
    assert "เรียน ผู้ประสานงาน\n\nDear coordinator</pre>" in html
    assert ('<iframe class="outbox-html" sandbox="" referrerpolicy="no-referrer"' in html)
    assert ('srcdoc="&lt;p&gt;เรียน&lt;/p&gt;&lt;script&gt;alert(&quot;x&quot;)'
            '&lt;/script&gt;"') in html
    assert "<script>alert" not in html
    assert "a@lamphun.go.th, b@lamphun.go.th" in html


def test_detail_of_a_failed_message_shows_the_error_and_offers_to_resend(secretariat_client):
    message = make_message(status=OutboxStatus.FAILED, last_error="SMTPRecipientsRefused: x")
    html = secretariat_client.get(message.get_absolute_url()).content.decode()
    assert "SMTPRecipientsRefused: x" in html
    assert 'data-testid="outbox-resend"' in html


def test_detail_of_a_sent_message_offers_no_resend(secretariat_client):
    message = make_message(status=OutboxStatus.SENT)
    html = secretariat_client.get(message.get_absolute_url()).content.decode()
    assert 'data-testid="outbox-resend"' not in html


# Resend -------------------------------------------------------------------------------

def test_resend_asks_for_confirmation_first(secretariat_client):
    message = make_message(status=OutboxStatus.FAILED, to=["a@lamphun.go.th"])
    html = secretariat_client.get(page_url("resend", message)).content.decode()
    assert 'data-testid="outbox-resend-confirm"' in html
    assert "<li>a@lamphun.go.th</li>" in html
    assert mail.outbox == []
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.FAILED


def test_resend_post_sends_a_failed_message_again_and_audits(secretariat_client,
                                                            django_capture_on_commit_callbacks):
    message = make_message(status=OutboxStatus.FAILED, attempts=1, to=["a@lamphun.go.th"])
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(page_url("resend", message))
    assert response.status_code == 302
    assert response.url == message.get_absolute_url()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert [sent.to for sent in mail.outbox] == [["a@lamphun.go.th"]]
    entry = AuditEntry.objects.get(action="notification.resent")
    assert entry.actor.email == "sec@example.go.th"


def test_resend_post_refuses_a_sent_message(secretariat_client,
                                            django_capture_on_commit_callbacks):
    message = make_message(status=OutboxStatus.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(page_url("resend", message), follow=True)
    assert "ส่งอีกครั้งได้เฉพาะข้อความที่ส่งไม่สำเร็จเท่านั้น" in response.content.decode()
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="notification.resent").exists()
