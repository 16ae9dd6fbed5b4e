"""A date-only correction deadline is that day, in Bangkok, on every page, e-mail and export,
in both languages and always in the Buddhist era (issue 10, point 3)."""

import csv
import datetime
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.applications.domain import reject, return_for_correction, submit_application
from gecc.applications.models import Application
from gecc.notifications.models import OutboxMessage
from tests.applications.factories import BKK, DURING, answer_all
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

# Typed by the secretariat as 20/03/2569.
DEADLINE = datetime.date(2026, 3, 20)
THAI = "20 มีนาคม 2569"
ENGLISH = "20 March 2569 BE"
NEXT_DAY_THAI = "21 มีนาคม 2569"


@pytest.fixture
def returned(application, coordinator, secretariat):
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    return_for_correction(application, secretariat, DEADLINE, ["แนบภาพถ่ายทางลาด"], now=DURING)
    application.refresh_from_db()
    return application


def test_a_date_only_deadline_is_stored_as_the_last_instant_of_that_day_in_bangkok(returned):
    assert returned.return_deadline == datetime.datetime(2026, 3, 20, 23, 59, 59, 999999,
                                                         tzinfo=BKK)


def test_the_unit_may_resubmit_until_the_end_of_that_day(returned, coordinator, secretariat):
    last_minute = datetime.datetime(2026, 3, 20, 23, 59, 59, tzinfo=BKK)
    submit_application(returned, coordinator, now=last_minute)
    assert Application.objects.get(pk=returned.pk).state == "resubmitted"


def test_the_secretariat_may_reject_only_once_that_day_is_over(returned, secretariat):
    with pytest.raises(ValidationError) as refused:
        reject(returned, secretariat, "ไม่ส่งแก้ไข",
               now=datetime.datetime(2026, 3, 20, 23, 0, tzinfo=BKK))
    [message] = refused.value.messages
    assert THAI in message and "23:59" not in message and NEXT_DAY_THAI not in message
    reject(returned, secretariat, "ไม่ส่งแก้ไข",
           now=datetime.datetime(2026, 3, 21, 0, 0, tzinfo=BKK))
    assert Application.objects.get(pk=returned.pk).state == "rejected"


@pytest.mark.parametrize("name", ["portal:application.detail", "portal:application.submit",
                                  "portal:application.assessment"])
def test_coordinator_pages_show_the_typed_date(client, returned, coordinator, name):
    sign_in(client, coordinator)
    html = client.get(reverse(name, kwargs={"pk": returned.pk})).content.decode()
    assert THAI in html
    assert NEXT_DAY_THAI not in html
    assert f"{THAI} 23:59" not in html


def test_review_page_shows_the_typed_date(client, returned, secretariat):
    TOTPDevice.objects.create(user=secretariat, name="test", confirmed=True)
    sign_in(client, secretariat)
    html = client.get(reverse("applications:review.detail",
                              kwargs={"pk": returned.pk})).content.decode()
    assert f"<dd>{THAI}</dd>" in html
    assert NEXT_DAY_THAI not in html


def test_email_shows_the_same_date_in_thai_and_in_english_buddhist_era(returned):
    message = OutboxMessage.objects.get(event="application.returned")
    assert f"ภายในวันที่ {THAI}" in message.body_text
    assert f"submit it again by: {ENGLISH}" in message.body_text
    assert "2026" not in message.body_text
    assert NEXT_DAY_THAI not in message.body_text


def test_export_shows_the_deadline_as_that_date_and_names_the_file_in_buddhist_era(
        client, returned, secretariat):
    TOTPDevice.objects.create(user=secretariat, name="test", confirmed=True)
    sign_in(client, secretariat)
    response = client.get(reverse("applications:review.export"), {"fmt": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][8] == "กำหนดส่งการแก้ไข"
    assert rows[1][8] == THAI
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="desk-review-2569-{today.year + 543}{today:%m%d}.csv"')


def test_export_in_english_shows_the_buddhist_era(returned):
    from gecc.applications.interfaces.exporters import review_rows

    with translation.override("en"):
        application = Application.objects.get(pk=returned.pk)
        application.completeness = 100
        [row] = list(review_rows([application], {}))
    assert row[8] == ENGLISH


def test_migration_moves_a_stored_next_day_midnight_back_to_the_end_of_the_day(returned):
    midnight = datetime.datetime(2026, 3, 21, 0, 0, tzinfo=BKK)
    timed = datetime.datetime(2026, 4, 30, 16, 30, tzinfo=BKK)
    other = Application.objects.get(pk=returned.pk)
    Application.objects.filter(pk=other.pk).update(return_deadline=midnight)
    migration = importlib.import_module(
        "gecc.applications.migrations.0002_return_deadline_end_of_day")
    migration.forwards(django_apps, None)
    assert Application.objects.get(pk=other.pk).return_deadline == datetime.datetime(
        2026, 3, 20, 23, 59, 59, 999999, tzinfo=BKK)
    Application.objects.filter(pk=other.pk).update(return_deadline=timed)
    migration.forwards(django_apps, None)
    assert Application.objects.get(pk=other.pk).return_deadline == timed  # left alone
