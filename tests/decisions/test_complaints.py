"""Complaints from the public: filing (text, unit, reference, the hashed address, the daily
limit), the secretariat's triage and "action taken", the staff pages."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gecc.accounts.enums import Role
from gecc.audit.models import AuditEntry
from gecc.decisions.domain.complaints import (
    client_hash,
    file_complaint,
    mark_actioned,
    triage_complaint,
)
from gecc.decisions.enums import ComplaintState, DecisionOutcome
from gecc.decisions.models import Complaint
from gecc.notifications.models import OutboxMessage
from tests.conftest import sign_in
from tests.decisions.builders import decided, secretariat_user
from tests.factories import UserFactory
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db

TEXT = "เจ้าหน้าที่ไม่ให้บริการตามเวลาที่ประกาศ รอคิวนานกว่าสองชั่วโมง"
ADDRESS = "203.0.113.7"


def certified_unit():
    return decided(outcome=DecisionOutcome.CERTIFY).application.unit


def complaint(unit=None, **kwargs):
    fields = {"text": TEXT, "client_address": ADDRESS}
    fields.update(kwargs)
    return file_complaint(unit=unit or certified_unit(), **fields)


def test_file_complaint_stores_a_reference_and_only_a_hash_of_the_address():
    secretariat = secretariat_user()
    unit = certified_unit()
    filed = complaint(unit, name="  นายร้องเรียน  ใจดี ", contact="081 234 5678",
                      certificate_number="gecc-2569-000001")
    assert re.fullmatch(r"CPL-25\d\d-000001", filed.reference)
    assert filed.state == ComplaintState.RECEIVED
    assert filed.text == TEXT
    assert filed.name == "นายร้องเรียน ใจดี"
    assert filed.certificate_number == "GECC-2569-000001"
    assert filed.client_hash == client_hash(ADDRESS)
    assert len(filed.client_hash) == 64 and ADDRESS not in filed.client_hash
    entry = AuditEntry.objects.get(action="complaint.filed")
    assert entry.ip_address is None
    assert ADDRESS not in str(entry.data)
    [message] = OutboxMessage.objects.filter(event="decisions.complaint_filed")
    secretariat_emails = set(UserFactory._meta.model.objects.filter(
        role_grants__role=Role.SECRETARIAT).values_list("email", flat=True))
    assert secretariat.email in message.to
    assert set(message.to) == secretariat_emails
    assert filed.reference in message.subject


def test_file_complaint_numbers_follow_each_other():
    unit = certified_unit()
    first, second = complaint(unit), complaint(unit, client_address="198.51.100.1")
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_client_hash_is_salted_with_the_secret_key(settings):
    import hashlib

    assert client_hash(ADDRESS) != hashlib.sha256(ADDRESS.encode()).hexdigest()
    before = client_hash(ADDRESS)
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert client_hash(ADDRESS) != before
    assert client_hash("") == ""


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_file_complaint_without_text_is_refused(text):
    unit = certified_unit()
    with pytest.raises(ValidationError) as exc:
        complaint(unit, text=text)
    assert exc.value.code == "text_required"
    assert exc.value.messages == ["กรุณาระบุรายละเอียดเรื่องที่ร้องเรียน"]
    assert Complaint.objects.count() == 0
    assert not AuditEntry.objects.filter(action="complaint.filed").exists()


def test_file_complaint_too_long_is_refused():
    with pytest.raises(ValidationError) as exc:
        complaint(text="ก" * 5001)
    assert exc.value.code == "text_too_long"
    assert Complaint.objects.count() == 0


def test_file_complaint_about_a_unit_never_certified_is_refused():
    with pytest.raises(ValidationError) as exc:
        complaint(ServiceUnitFactory())
    assert exc.value.code == "not_certified"
    assert Complaint.objects.count() == 0


def test_file_complaint_about_a_unit_not_certified_or_not_final_is_refused():
    not_certified = decided(outcome=DecisionOutcome.NOT_CERTIFY, reason="ไม่ผ่าน")
    open_meeting = decided(closed=False)
    for unit in (not_certified.application.unit, open_meeting.application.unit):
        with pytest.raises(ValidationError):
            complaint(unit)
    assert Complaint.objects.count() == 0


def test_file_complaint_past_the_daily_limit_is_refused(settings):
    settings.PUBLIC_COMPLAINTS_PER_DAY = 2
    unit = certified_unit()
    complaint(unit)
    complaint(unit)
    with pytest.raises(ValidationError) as exc:
        complaint(unit)
    assert exc.value.code == "too_many"
    assert Complaint.objects.count() == 2
    assert complaint(unit, client_address="198.51.100.9").pk  # another address


def test_triage_under_review_then_closed_with_a_note():
    secretariat = secretariat_user()
    filed = complaint()
    triage_complaint(filed, secretariat, state=ComplaintState.UNDER_REVIEW, note="")
    filed.refresh_from_db()
    assert filed.state == ComplaintState.UNDER_REVIEW
    with pytest.raises(ValidationError) as exc:
        triage_complaint(filed, secretariat, state=ComplaintState.CLOSED, note=" ")
    assert exc.value.code == "note_required"
    triage_complaint(filed, secretariat, state=ComplaintState.CLOSED,
                     note="ตรวจสอบแล้ว เป็นช่วงระบบขัดข้องชั่วคราว")
    filed.refresh_from_db()
    assert (filed.state, filed.handled_by) == (ComplaintState.CLOSED, secretariat)
    assert list(AuditEntry.objects.filter(object_id=str(filed.pk),
                                                action__startswith="complaint.")
                .order_by("pk").values_list("action", flat=True)) == [
        "complaint.filed", "complaint.under_review", "complaint.closed"]
    with pytest.raises(ValidationError) as exc:
        triage_complaint(filed, secretariat, state=ComplaintState.UNDER_REVIEW, note="")
    assert exc.value.code == "wrong_state"


def test_mark_actioned_needs_a_note_and_an_open_complaint():
    secretariat = secretariat_user()
    filed = complaint()
    with pytest.raises(ValidationError):
        mark_actioned(filed, secretariat, note="")
    mark_actioned(filed, secretariat, note="พักใช้ใบรับรองแล้ว")
    filed.refresh_from_db()
    assert filed.state == ComplaintState.ACTIONED
    assert filed.note == "พักใช้ใบรับรองแล้ว"
    with pytest.raises(ValidationError) as exc:
        mark_actioned(filed, secretariat, note="อีกครั้ง")
    assert exc.value.code == "wrong_state"


def test_triage_by_a_coordinator_is_refused():
    filed = complaint()
    with pytest.raises(PermissionDenied):
        triage_complaint(filed, UserFactory(roles=[Role.COORDINATOR]),
                         state=ComplaintState.UNDER_REVIEW, note="")


@pytest.mark.parametrize("count", [1, 3])
def test_complaint_list_query_count(client, django_assert_max_num_queries, count):
    unit = certified_unit()
    for index in range(count):
        complaint(unit, client_address=f"198.51.100.{index}")
    sign_in(client, secretariat_user())
    with django_assert_max_num_queries(10):
        response = client.get(reverse("decisions:complaint.list"))
    assert response.status_code == 200
    assert len(response.context["complaints"]) == count


def test_complaint_list_filters_by_state_and_reference(client):
    secretariat = secretariat_user()
    unit = certified_unit()
    first = complaint(unit)
    second = complaint(unit, client_address="198.51.100.2")
    triage_complaint(second, secretariat, state=ComplaintState.UNDER_REVIEW, note="")
    sign_in(client, secretariat)
    url = reverse("decisions:complaint.list")
    assert [c.pk for c in client.get(url, {"state": "under_review"}).context["complaints"]] \
        == [second.pk]
    assert [c.pk for c in client.get(url, {"q": first.reference}).context["complaints"]] \
        == [first.pk]
    empty = client.get(url, {"state": "actioned"}).content.decode()
    assert 'data-testid="empty-state"' in empty


def test_complaint_triage_page_keeps_the_note_on_an_error(client):
    secretariat = secretariat_user()
    filed = complaint()
    sign_in(client, secretariat)
    url = reverse("decisions:complaint.triage", args=[filed.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"state": "", "note": "บันทึกที่พิมพ์ไว้"})
    assert response.status_code == 400
    assert "บันทึกที่พิมพ์ไว้" in response.content.decode()
    response = client.post(url, {"state": "closed", "note": "ไม่พบมูลความจริง"})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.state == ComplaintState.CLOSED


def test_complaint_detail_links_to_suspend_the_certificate(client):
    from gecc.certificates.domain.issue import issue_certificate

    secretariat = secretariat_user()
    decision = decided(outcome=DecisionOutcome.CERTIFY)
    certificate = issue_certificate(decision, secretariat)
    filed = complaint(decision.application.unit)
    sign_in(client, secretariat)
    body = client.get(reverse("decisions:complaint.detail", args=[filed.pk])).content.decode()
    suspend = reverse("certificates:certificate.suspend", args=[certificate.pk])
    assert f'href="{suspend}?complaint={filed.pk}"' in body
    assert certificate.number in body


def test_complaint_pages_are_the_secretariats(client):
    filed = complaint()
    for role in (Role.STEERING, Role.ASSESSOR, Role.COORDINATOR):
        client.logout()
        sign_in(client, UserFactory(roles=[role]))
        for name in ("decisions:complaint.list",):
            assert client.get(reverse(name)).status_code == 403
        assert client.get(reverse("decisions:complaint.detail",
                                  args=[filed.pk])).status_code == 403
