"""A certificate's lifecycle (issue 13, point 5): suspend, reinstate, withdraw (the
secretariat, with a reason, audited, the unit's coordinators told), the daily expiry by the
clock, and the staff pages with their confirmation step.

The certificates are written with the ORM (``tests/certificates/lifecycle_factories.py``):
valid from 5 August 2026 to 4 August 2029 unless a test says otherwise."""

import datetime
import io
import sys
import types

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from gecc.audit.models import AuditEntry
from gecc.certificates.domain.lifecycle import (
    expire_certificates,
    reinstate_certificate,
    suspend_certificate,
    withdraw_certificate,
)
from gecc.certificates.enums import CertificateState
from gecc.certificates.models import Certificate
from gecc.notifications.models import OutboxMessage
from tests.certificates.lifecycle_factories import certificate
from tests.conftest import sign_in
from tests.decisions.builders import secretariat_user
from tests.scoring.factories_feedback import accepted_application

pytestmark = pytest.mark.django_db

ISSUED, SUSPENDED = CertificateState.ISSUED, CertificateState.SUSPENDED
WITHDRAWN, EXPIRED = CertificateState.WITHDRAWN, CertificateState.EXPIRED
DURING = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC)
LAST_DAY = datetime.date(2029, 8, 4)


@pytest.fixture
def secretariat():
    return secretariat_user()


@pytest.fixture
def cert():
    return certificate()


@pytest.fixture(autouse=True)
def clock(request):
    """The clock stands at 1 March 2027 once the test's data is made (the builders need
    the real time: the round's application period)."""
    for name in ("cert", "secretariat"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
    with time_machine.travel(DURING, tick=False) as traveller:
        yield traveller


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def coordinator_of(cert):
    return cert.unit.coordinators.get()


# -- suspend -------------------------------------------------------------------------------


def test_suspend_certificate_suspends_audits_and_tells_the_coordinators(cert, secretariat):
    result = suspend_certificate(cert, secretariat, reason="  ร้องเรียนว่าปิดบริการ  ")
    cert.refresh_from_db()
    assert (result.state, cert.state, cert.state_reason) == (
        SUSPENDED, SUSPENDED, "ร้องเรียนว่าปิดบริการ")
    assert cert.state_changed_by == secretariat
    [entry] = entries("certificate.suspended")
    assert entry.actor == secretariat
    assert entry.object_id == str(cert.pk)
    assert entry.data["before"] == {"state": "issued", "state_reason": ""}
    assert entry.data["after"] == {"state": "suspended", "state_reason": "ร้องเรียนว่าปิดบริการ"}
    assert entry.data["to"] == [coordinator_of(cert).email]
    [message] = OutboxMessage.objects.filter(event="certificate.suspended")
    assert message.to == [coordinator_of(cert).email]
    assert cert.number in message.subject
    assert "ร้องเรียนว่าปิดบริการ" in message.body_text


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_suspend_certificate_without_a_reason_is_refused(cert, secretariat, reason):
    with pytest.raises(ValidationError) as exc:
        suspend_certificate(cert, secretariat, reason=reason)
    assert exc.value.error_dict["reason"][0].code == "reason_required"
    assert exc.value.message_dict["reason"] == [
        "โปรดระบุเหตุผล: ผู้ประสานงานของหน่วยจะได้อ่านในอีเมล และบันทึกไว้ในประวัติการดำเนินการ"]
    cert.refresh_from_db()
    assert cert.state == ISSUED
    assert not entries("certificate.suspended")
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("state", [SUSPENDED, WITHDRAWN, EXPIRED])
def test_suspend_certificate_in_the_wrong_state_is_refused(cert, secretariat, state):
    Certificate.objects.filter(pk=cert.pk).update(state=state)
    with pytest.raises(ValidationError) as exc:
        suspend_certificate(cert, secretariat, reason="เหตุผล")
    assert exc.value.code == "not_issued"
    assert Certificate.objects.get(pk=cert.pk).state == state
    assert not entries("certificate.suspended")


def test_suspend_certificate_after_its_validity_is_refused(cert, secretariat, clock):
    clock.move_to(datetime.datetime(2029, 8, 5, 8, 0, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError) as exc:
        suspend_certificate(cert, secretariat, reason="เหตุผล")
    assert exc.value.code == "expired"
    assert exc.value.messages == ["ใบรับรองสิ้นอายุเมื่อ 4 สิงหาคม 2572"]
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED


def test_suspend_certificate_with_a_complaint_of_another_unit_is_refused(cert, secretariat):
    from gecc.decisions.models import Complaint

    other = accepted_application(cert.round, cert.round.team)
    complaint = Complaint.objects.create(reference="C-2570-0001", unit=other.unit,
                                         text="ไม่มีทางลาด")
    with pytest.raises(ValidationError) as exc:
        suspend_certificate(cert, secretariat, reason="เหตุผล", complaint=complaint)
    assert exc.value.error_dict["complaint"][0].code == "complaint_other_unit"
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED


@pytest.fixture
def marked(monkeypatch):
    """``gecc.decisions.domain.complaints.mark_actioned`` recorded (part F writes it)."""
    calls = []

    def mark_actioned(complaint, actor, *, note, request=None):
        calls.append((complaint.pk, actor.pk, note))

    try:
        import gecc.decisions.domain.complaints as module
    except ImportError:
        module = types.ModuleType("gecc.decisions.domain.complaints")
        monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(module, "mark_actioned", mark_actioned, raising=False)
    return calls


@pytest.mark.parametrize("action", ["suspend", "withdraw"])
def test_suspending_or_withdrawing_on_a_complaint_marks_it_actioned(cert, secretariat, marked,
                                                                    action):
    from gecc.decisions.models import Complaint

    complaint = Complaint.objects.create(reference="C-2570-0002", unit=cert.unit,
                                         text="ปิดก่อนเวลา")
    function = {"suspend": suspend_certificate, "withdraw": withdraw_certificate}[action]
    function(cert, secretariat, reason="ตรวจสอบแล้วพบจริง", complaint=complaint)
    word = {"suspend": "พักใช้", "withdraw": "เพิกถอน"}[action]
    assert marked == [(complaint.pk, secretariat.pk,
                       f"{word}ใบรับรอง {cert.number} แล้ว: ตรวจสอบแล้วพบจริง")]
    [entry] = entries(f"certificate.{action}{'ed' if action == 'suspend' else 'n'}")
    assert entry.data["complaint"] == "C-2570-0002"


# -- reinstate -----------------------------------------------------------------------------


def test_reinstate_certificate_makes_it_valid_again(cert, secretariat):
    Certificate.objects.filter(pk=cert.pk).update(state=SUSPENDED, state_reason="ระงับไว้")
    reinstate_certificate(cert, secretariat, reason="แก้ไขแล้ว")
    cert.refresh_from_db()
    assert (cert.state, cert.state_reason) == (ISSUED, "แก้ไขแล้ว")
    [entry] = entries("certificate.reinstated")
    assert entry.data["before"] == {"state": "suspended", "state_reason": "ระงับไว้"}
    assert entry.data["after"] == {"state": "issued", "state_reason": "แก้ไขแล้ว"}
    assert OutboxMessage.objects.filter(event="certificate.reinstated").count() == 1


def test_reinstate_certificate_on_its_last_day_is_allowed(cert, secretariat, clock):
    Certificate.objects.filter(pk=cert.pk).update(state=SUSPENDED)
    clock.move_to(datetime.datetime(2029, 8, 4, 16, 0, tzinfo=datetime.UTC))  # 23:00 ICT
    reinstate_certificate(cert, secretariat, reason="แก้ไขแล้ว")
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED


def test_reinstate_certificate_after_its_validity_is_refused(cert, secretariat, clock):
    Certificate.objects.filter(pk=cert.pk).update(state=SUSPENDED)
    clock.move_to(datetime.datetime(2029, 8, 4, 17, 0, tzinfo=datetime.UTC))  # 5 Aug, 00:00 ICT
    with pytest.raises(ValidationError) as exc:
        reinstate_certificate(cert, secretariat, reason="แก้ไขแล้ว")
    assert exc.value.code == "expired"
    assert Certificate.objects.get(pk=cert.pk).state == SUSPENDED
    assert not entries("certificate.reinstated")


@pytest.mark.parametrize("state", [ISSUED, WITHDRAWN, EXPIRED])
def test_reinstate_certificate_that_is_not_suspended_is_refused(cert, secretariat, state):
    Certificate.objects.filter(pk=cert.pk).update(state=state)
    with pytest.raises(ValidationError) as exc:
        reinstate_certificate(cert, secretariat, reason="แก้ไขแล้ว")
    assert exc.value.code == "not_suspended"


def test_reinstate_certificate_without_a_reason_is_refused(cert, secretariat):
    Certificate.objects.filter(pk=cert.pk).update(state=SUSPENDED)
    with pytest.raises(ValidationError):
        reinstate_certificate(cert, secretariat, reason=" ")
    assert Certificate.objects.get(pk=cert.pk).state == SUSPENDED


# -- withdraw ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [ISSUED, SUSPENDED])
def test_withdraw_certificate_is_final(cert, secretariat, state):
    Certificate.objects.filter(pk=cert.pk).update(state=state)
    withdraw_certificate(cert, secretariat, reason="ทุจริตข้อมูล")
    cert.refresh_from_db()
    assert (cert.state, cert.state_reason) == (WITHDRAWN, "ทุจริตข้อมูล")
    [entry] = entries("certificate.withdrawn")
    assert entry.data["before"]["state"] == state
    assert OutboxMessage.objects.filter(event="certificate.withdrawn").count() == 1
    for function in (suspend_certificate, reinstate_certificate, withdraw_certificate):
        with pytest.raises(ValidationError):
            function(cert, secretariat, reason="อีกครั้ง")
    assert Certificate.objects.get(pk=cert.pk).state == WITHDRAWN


@pytest.mark.parametrize("state", [WITHDRAWN, EXPIRED])
def test_withdraw_certificate_in_the_wrong_state_is_refused(cert, secretariat, state):
    Certificate.objects.filter(pk=cert.pk).update(state=state)
    with pytest.raises(ValidationError) as exc:
        withdraw_certificate(cert, secretariat, reason="ทุจริตข้อมูล")
    assert exc.value.code == "not_withdrawable"
    assert not entries("certificate.withdrawn")


def test_withdraw_certificate_without_a_reason_is_refused(cert, secretariat):
    with pytest.raises(ValidationError):
        withdraw_certificate(cert, secretariat, reason="")
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED


# -- expiry by the clock -------------------------------------------------------------------


def test_expire_certificates_waits_for_the_end_of_the_last_day(cert, clock):
    clock.move_to(datetime.datetime(2029, 8, 4, 16, 59, tzinfo=datetime.UTC))  # 23:59 ICT
    assert expire_certificates() == 0
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED
    clock.move_to(datetime.datetime(2029, 8, 4, 17, 30, tzinfo=datetime.UTC))  # 00:30 ICT
    assert expire_certificates() == 1
    cert.refresh_from_db()
    assert (cert.state, cert.state_changed_by) == (EXPIRED, None)


def test_expire_certificates_expires_issued_and_suspended_once_each(clock):
    issued = certificate()
    suspended = certificate(round_obj=issued.round, state=SUSPENDED, state_reason="ระงับ")
    withdrawn = certificate(round_obj=issued.round, state=WITHDRAWN)
    later = certificate(round_obj=issued.round, valid_until=datetime.date(2030, 1, 31))
    assert expire_certificates(datetime.date(2029, 8, 5)) == 2
    states = dict(Certificate.objects.values_list("pk", "state"))
    assert states == {issued.pk: EXPIRED, suspended.pk: EXPIRED, withdrawn.pk: WITHDRAWN,
                      later.pk: ISSUED}
    logged = entries("certificate.expired")
    assert sorted(int(e.object_id) for e in logged) == sorted([issued.pk, suspended.pk])
    by_object = {int(e.object_id): e for e in logged}
    assert by_object[suspended.pk].data["before"] == {"state": "suspended",
                                                      "state_reason": "ระงับ"}
    assert by_object[suspended.pk].data["after"] == {"state": "expired", "state_reason": ""}
    assert {e.actor_label for e in logged} == {"system"}
    assert OutboxMessage.objects.filter(event="certificate.expired").count() == 2
    # idempotent: again the same day, and the day after
    assert expire_certificates(datetime.date(2029, 8, 5)) == 0
    assert expire_certificates(datetime.date(2029, 8, 6)) == 0
    assert len(entries("certificate.expired")) == 2
    assert OutboxMessage.objects.filter(event="certificate.expired").count() == 2


def test_expire_certificates_command_prints_the_count(cert):
    out = io.StringIO()
    call_command("expire_certificates", "--date", "2029-08-05", stdout=out)
    assert out.getvalue() == "1 certificate(s) expired.\n"
    out = io.StringIO()
    call_command("expire_certificates", "--date", "2029-08-05", stdout=out)
    assert out.getvalue() == "0 certificate(s) expired.\n"


def test_daily_task_expires_then_reminds(cert, clock):
    from gecc.certificates.tasks_lifecycle import daily_lifecycle

    other = certificate(round_obj=cert.round, valid_until=datetime.date(2029, 9, 1))
    clock.move_to(datetime.datetime(2029, 8, 5, 0, 0, tzinfo=datetime.UTC))
    assert daily_lifecycle.delay().get() == {"expired": 1, "reminders": 1}
    assert Certificate.objects.get(pk=cert.pk).state == EXPIRED
    assert sorted(other.reminders.values_list("days_before", flat=True)) == [30, 90, 180]
    assert OutboxMessage.objects.filter(event="certificate.renewal_reminder").count() == 1


def test_daily_task_is_in_the_beat_schedule(settings):
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["certificates-daily-lifecycle"]
    assert entry["task"] == "gecc.certificates.daily_lifecycle"
    assert entry["schedule"] == crontab(hour=0, minute=30)
    assert settings.CELERY_TIMEZONE == "Asia/Bangkok"


# -- the staff pages -----------------------------------------------------------------------


def url(name, cert):
    return reverse(f"certificates:certificate.{name}", args=[cert.pk])


@pytest.fixture
def staff(client, secretariat):
    sign_in(client, secretariat)
    return client


def test_suspend_page_asks_the_reason_then_confirms_then_suspends(staff, cert):
    response = staff.get(url("suspend", cert))
    assert response.status_code == 200
    assert "พักใช้ใบรับรอง" in response.content.decode()
    response = staff.post(url("suspend", cert), {"reason": "ร้องเรียนจริง"})
    assert response.status_code == 200
    assert response.templates[0].name == "certificates/lifecycle/confirm.html"
    body = response.content.decode()
    assert "ร้องเรียนจริง" in body
    assert coordinator_of(cert).email in body
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED  # not yet
    response = staff.post(url("suspend", cert), {"reason": "ร้องเรียนจริง", "confirmed": "1"})
    assert response.status_code == 302
    cert.refresh_from_db()
    assert (cert.state, cert.state_reason) == (SUSPENDED, "ร้องเรียนจริง")


def test_suspend_page_without_a_reason_keeps_the_form(staff, cert):
    response = staff.post(url("suspend", cert), {"reason": "  ", "confirmed": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["โปรดระบุเหตุผล"]
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED


def test_confirm_page_back_keeps_what_was_typed(staff, cert):
    response = staff.post(url("withdraw", cert), {"reason": "พิมพ์ไว้แล้ว", "confirmed": "1",
                                                  "back": "1"})
    assert response.status_code == 200
    assert response.templates[0].name == "certificates/lifecycle/form.html"
    assert "พิมพ์ไว้แล้ว" in response.content.decode()
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED


def test_reinstate_page_of_a_valid_certificate_says_why_not(staff, cert):
    response = staff.get(url("reinstate", cert))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "พักใช้อยู่เท่านั้น" in response.context["problem"]
    response = staff.post(url("reinstate", cert), {"reason": "x", "confirmed": "1"})
    assert response.status_code == 409
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED


def test_withdraw_page_preselects_the_complaint(staff, cert):
    from gecc.decisions.models import Complaint

    complaint = Complaint.objects.create(reference="C-2570-0003", unit=cert.unit,
                                         text="ไม่มีที่จอดรถ")
    response = staff.get(url("withdraw", cert) + f"?complaint={complaint.pk}")
    assert response.context["form"].initial["complaint"] == complaint


@pytest.mark.parametrize("role", ["coordinator", "steering", "assessor"])
def test_lifecycle_pages_are_the_secretariats(client, cert, make_user, role):
    sign_in(client, make_user(role))
    for name in ("suspend", "reinstate", "withdraw"):
        assert client.get(url(name, cert)).status_code == 403
        assert client.post(url(name, cert), {"reason": "x", "confirmed": "1"}).status_code == 403
    assert Certificate.objects.get(pk=cert.pk).state == ISSUED


def test_lifecycle_actions_list_what_the_state_allows(cert, secretariat, make_user):
    from gecc.certificates.views.lifecycle import lifecycle_actions

    assert [a["url"] for a in lifecycle_actions(secretariat, cert)] == [
        url("suspend", cert), url("withdraw", cert)]
    cert.state = SUSPENDED
    assert [a["url"] for a in lifecycle_actions(secretariat, cert)] == [
        url("reinstate", cert), url("withdraw", cert)]
    assert lifecycle_actions(make_user("steering"), cert) == []


def test_actions_include_shows_the_buttons_to_the_secretariat_only(rf, cert, secretariat,
                                                                    make_user):
    from django.template.loader import render_to_string

    from gecc.certificates.views.lifecycle import lifecycle_actions

    html = render_to_string("certificates/lifecycle/_actions.html",
                            {"actions": lifecycle_actions(secretariat, cert)})
    assert url("suspend", cert) in html and url("withdraw", cert) in html
    assert url("reinstate", cert) not in html
    html = render_to_string("certificates/lifecycle/_actions.html",
                            {"actions": lifecycle_actions(make_user("steering"), cert)})
    assert html.strip() == ""


def test_the_certificate_page_shows_the_actions_its_state_allows(client, cert, secretariat,
                                                                 make_user):
    page = reverse("certificates:certificate.detail", args=[cert.pk])
    sign_in(client, secretariat)
    html = client.get(page).content.decode()
    assert url("suspend", cert) in html and url("withdraw", cert) in html
    assert url("reinstate", cert) not in html
    sign_in(client, make_user("steering"))
    html = client.get(page).content.decode()
    assert 'data-testid="lifecycle-actions"' not in html
