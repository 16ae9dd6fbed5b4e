"""Renewal reminders (issue 13, point 5): 180, 90 and 30 days before the end of validity,
each sent once, by the clock: runs repeated, days missed, a certificate issued with less than
180 days left, two runs at once.

The certificate (``tests/certificates/lifecycle_factories.py``) is valid until 4 August 2029:
180 days before is 5 February 2029, 90 days 6 May 2029, 30 days 5 July 2029."""

import datetime
import io

import pytest
from django.core.management import call_command

from gecc.audit.models import AuditEntry
from gecc.certificates.domain.lifecycle import (
    ReminderPlan,
    _send_one_reminder,
    plan_reminder,
    send_renewal_reminders,
)
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate, CertificateReminder
from gecc.notifications.models import OutboxMessage
from tests.certificates.lifecycle_factories import certificate

pytestmark = pytest.mark.django_db

UNTIL = datetime.date(2029, 8, 4)
DAY = datetime.timedelta(days=1)
D180, D90, D30 = (UNTIL - datetime.timedelta(days=n) for n in (180, 90, 30))


@pytest.fixture
def cert():
    return certificate()


def rows(cert):
    return sorted(CertificateReminder.objects.filter(certificate=cert)
                  .values_list("days_before", flat=True))


def emails():
    return list(OutboxMessage.objects.filter(event="certificate.renewal_reminder")
                .order_by("pk"))


def logged():
    return [(e.data["days_before"], e.data["days_left"], e.data["skipped"])
            for e in AuditEntry.objects.filter(action="certificate.reminder_sent")
            .order_by("pk")]


# -- the plan ------------------------------------------------------------------------------


@pytest.mark.parametrize("on, recorded, plan", [
    (D180 - DAY, (), ReminderPlan(None, ())),  # 181 days left
    (D180, (), ReminderPlan(180, ())),
    (D180 + DAY, (180,), ReminderPlan(None, ())),
    (D90, (180,), ReminderPlan(90, ())),
    (D90 + 5 * DAY, (), ReminderPlan(90, (180,))),  # missed days: the due one, once
    (D30, (180, 90), ReminderPlan(30, ())),
    (D30, (180,), ReminderPlan(30, (90,))),
    (UNTIL - 20 * DAY, (), ReminderPlan(30, (180, 90))),  # issued with 20 days left
    (UNTIL, (), ReminderPlan(30, (180, 90))),  # the last valid day
    (UNTIL, (180, 90, 30), ReminderPlan(None, ())),
    (UNTIL + DAY, (), ReminderPlan(None, ())),  # ended
    (D90, (30,), ReminderPlan(None, ())),  # never after a more urgent one
])
def test_plan_reminder_sends_the_most_urgent_due_one(on, recorded, plan):
    assert plan_reminder(UNTIL, on, recorded) == plan


def test_plan_reminder_follows_the_setting(settings):
    settings.CERTIFICATE_REMINDER_DAYS = (60, 7)
    assert plan_reminder(UNTIL, UNTIL - 10 * DAY, ()) == ReminderPlan(60, ())
    assert plan_reminder(UNTIL, UNTIL - 7 * DAY, (60,)) == ReminderPlan(7, ())


# -- the job, day by day -------------------------------------------------------------------


def test_reminders_180_90_30_are_each_sent_once(cert):
    coordinator = cert.unit.coordinators.get()
    day, sent = D180 - 2 * DAY, []
    while day <= UNTIL + DAY:
        count = send_renewal_reminders(day)
        count += send_renewal_reminders(day)  # a second run the same day sends nothing
        if count:
            sent.append((day, count))
        day += DAY
    assert sent == [(D180, 1), (D90, 1), (D30, 1)]
    assert rows(cert) == [30, 90, 180]
    assert logged() == [(180, 180, []), (90, 90, []), (30, 30, [])]
    messages = emails()
    assert [m.to for m in messages] == [[coordinator.email]] * 3
    assert [m.object_id for m in messages] == [str(cert.pk)] * 3
    assert "4 สิงหาคม 2572" in messages[0].subject
    assert "เหลืออีก 180 วัน" in messages[0].body_text
    assert "เหลืออีก 30 วัน" in messages[2].body_text


def test_reminders_after_missed_days_send_only_the_due_one(cert):
    assert send_renewal_reminders(D90 + 5 * DAY) == 1  # 85 days left: 180 was missed
    assert rows(cert) == [90, 180]
    assert logged() == [(90, 85, [180])]
    assert len(emails()) == 1
    assert send_renewal_reminders(D90 + 6 * DAY) == 0
    assert send_renewal_reminders(D30) == 1
    assert rows(cert) == [30, 90, 180]
    assert len(emails()) == 2


def test_a_certificate_issued_with_little_time_left_gets_one_email(cert):
    Certificate.objects.filter(pk=cert.pk).update(valid_until=D30 + 10 * DAY)
    assert send_renewal_reminders(D30) == 1
    assert rows(cert) == [30, 90, 180]
    assert logged() == [(30, 10, [180, 90])]
    assert len(emails()) == 1
    assert send_renewal_reminders(D30 + DAY) == 0
    assert len(emails()) == 1


@pytest.mark.parametrize("state", [CertificateState.SUSPENDED, CertificateState.WITHDRAWN,
                                   CertificateState.EXPIRED])
def test_reminders_go_only_for_valid_certificates(cert, state):
    Certificate.objects.filter(pk=cert.pk).update(state=state)
    assert send_renewal_reminders(D90) == 0
    assert rows(cert) == []
    assert emails() == []


def test_reminders_for_several_certificates_in_one_run(cert):
    other = certificate(round_obj=cert.round, valid_until=UNTIL + 100 * DAY)
    third = certificate(round_obj=cert.round, valid_until=UNTIL + 400 * DAY)
    assert send_renewal_reminders(D30) == 2
    assert rows(cert) == [30, 90, 180]
    assert rows(other) == [180]
    assert rows(third) == []


def test_a_concurrent_run_that_recorded_it_first_wins(cert):
    """Two runs planned the same reminder; the second one's insert meets the first one's row
    (the unique constraint) and sends nothing."""
    plan = plan_reminder(cert.valid_until, D180, ())
    assert _send_one_reminder(cert, plan, D180, ["a@example.go.th"]) is True
    assert _send_one_reminder(cert, plan, D180, ["a@example.go.th"]) is False
    assert rows(cert) == [180]
    assert len(emails()) == 1
    assert len(logged()) == 1


def test_send_renewal_reminders_command_prints_the_count(cert):
    out = io.StringIO()
    call_command("send_renewal_reminders", "--date", D90.isoformat(), stdout=out)
    assert out.getvalue() == "1 renewal reminder(s) sent.\n"
    out = io.StringIO()
    call_command("send_renewal_reminders", "--date", D90.isoformat(), stdout=out)
    assert out.getvalue() == "0 renewal reminder(s) sent.\n"


def test_send_renewal_reminders_counts_its_queries(cert, django_assert_max_num_queries):
    for _ in range(2):
        certificate(round_obj=cert.round)
    with django_assert_max_num_queries(3):  # nothing due: certificates, reminders
        assert send_renewal_reminders(D180 - DAY) == 0
