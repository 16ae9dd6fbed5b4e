"""The demo's steering-committee decision on the 2563 round and what follows from it: the
meeting closed, eight certificates, the feedback released, one appeal under review, one
certificate suspended after a public complaint and one historical certificate expired.

Loading the demo is slow: it is loaded once for the module, inside a transaction that is
rolled back at the end (each test runs in a savepoint of it)."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from gecc.accounts.models import User
from gecc.applications.models import Application
from gecc.certificates.enums import CertificateState, VerifyStatus
from gecc.certificates.models import Certificate
from gecc.decisions.enums import AppealState, ComplaintState, DecisionOutcome, MeetingState
from gecc.decisions.models import Appeal, Complaint, Decision, Meeting
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from gecc.scoring.models import TeamSheet

VERDICTS = {VerifyStatus.VALID: "ใบรับรองนี้ยังมีผล",
            VerifyStatus.SUSPENDED: "ใบรับรองนี้ถูกพักใช้",
            VerifyStatus.EXPIRED: "ใบรับรองนี้หมดอายุแล้ว"}


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """``setup_demo`` run twice (the second run must change nothing), its output kept."""
    from io import StringIO

    # What the function-scoped autouse fixtures of tests/conftest.py give every test.
    quick = override_settings(SITE_URL="http://testserver", PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), quick, transaction.atomic():
        first, second = StringIO(), StringIO()
        call_command("setup_demo", stdout=first)
        counts = table_counts()
        call_command("setup_demo", stdout=second)
        yield {"first": first.getvalue(), "second": second.getvalue(), "counts": counts}
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def table_counts():
    return {model.__name__: model.objects.count()
            for model in (Meeting, Decision, Certificate, Appeal, Complaint, Round,
                          Application)}


def certificates_2563():
    return Certificate.objects.filter(round__year=2563).select_related("unit")


def test_meeting_1_2563_is_closed_with_eight_certify_decisions(demo):
    meeting = Meeting.objects.get(round__year=2563)
    assert (meeting.number, meeting.state) == (1, MeetingState.CLOSED)
    assert "กรรมการอำนวยการ (ตัวอย่าง)" in meeting.attendees
    assert meeting.resolution.startswith("ที่ประชุมพิจารณาผลการตรวจประเมิน")
    decisions = Decision.objects.filter(meeting=meeting)
    assert decisions.count() == 8
    assert set(decisions.values_list("outcome", flat=True)) == {DecisionOutcome.CERTIFY}
    assert set(decisions.values_list("decided_by__email", flat=True)) == {
        "steering@demo.gecc.local"}
    for decision in decisions.select_related("application__team_sheet"):
        assert decision.level == decision.proposed_level == (
            decision.application.team_sheet.result_level)


def test_eight_certificates_at_the_three_levels(demo):
    certificates = certificates_2563()
    assert [c.number for c in certificates.order_by("sequence")] == [
        f"GECC-2563-{n:06d}" for n in range(1, 9)]
    levels = sorted(certificates.values_list("level", flat=True))
    assert levels == ["advanced"] * 3 + ["basic"] * 4 + ["excellence"]
    assert set(certificates.values_list("unit__province__name_th", flat=True)) == {"ลำพูน"}


def test_the_feedback_is_released_to_the_eight_units(demo):
    sheets = TeamSheet.objects.filter(application__round__year=2563)
    assert sheets.count() == 8
    assert not sheets.filter(feedback_released_at=None).exists()


def test_each_verify_page_says_what_its_certificate_is(demo, client):
    expected = {number: VerifyStatus.VALID for number in
                certificates_2563().values_list("number", flat=True)}
    suspended = certificates_2563().get(state=CertificateState.SUSPENDED)
    assert suspended.unit.code == "LPN-EXCISE-BANHONG"
    expected[suspended.number] = VerifyStatus.SUSPENDED
    expired = Certificate.objects.get(round__year=2559)
    assert (expired.number, expired.state) == ("GECC-2559-000001", CertificateState.EXPIRED)
    expected[expired.number] = VerifyStatus.EXPIRED
    assert len(expected) == 9
    for number, status in expected.items():
        response = client.get(reverse("public:verify", args=[number]))
        assert response.status_code == 200, number
        page = response.content.decode()
        assert number in page
        assert f'data-testid="verdict" data-status="{status}"' in page, number
        assert VERDICTS[status] in page, (number, status)


def test_the_registry_lists_the_lamphun_centres(demo, client):
    """Seven centres with a valid certificate by default, the suspended one under its
    filter, and the expired 2559 certificate among the earlier ones of its centre."""
    search = reverse("public:registry.search")
    units = {c.unit.code: c.unit.name_th for c in certificates_2563()}
    page = client.get(search, {"province": "51"}).content.decode()
    for code, name in units.items():
        assert (name in page) == (code != "LPN-EXCISE-BANHONG"), code
    page = client.get(search, {"province": "51", "status": "suspended"}).content.decode()
    assert units["LPN-EXCISE-BANHONG"] in page
    assert units["LPN-PEA-01"] not in page
    response = client.get(reverse("public:registry.centre", args=["LPN-DLT-01"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "GECC-2559-000001" in page
    assert 'data-status="expired"' in page


def test_the_public_pages_show_no_people(demo, client):
    people = list(User.objects.values_list("full_name", "email"))
    appeal = Appeal.objects.get()
    for path in [reverse("public:registry.search"), reverse("public:verify", args=[
            certificates_2563().first().number])]:
        page = client.get(path).content.decode()
        for name, email in people:
            assert email not in page and name not in page, path
        assert appeal.reasons[:40] not in page


def test_one_appeal_is_under_review_by_the_steering_member(demo):
    appeal = Appeal.objects.select_related("application__unit", "decision").get()
    assert appeal.state == AppealState.UNDER_REVIEW
    assert (appeal.application.unit.code, appeal.decision.level) == ("LPN-TOT-01", "basic")
    assert appeal.requested_level == "advanced"
    assert appeal.filed_by.email == "coordinator@demo.gecc.local"
    assert appeal.reviewer.email == "steering@demo.gecc.local"
    assert appeal.received_at is not None and appeal.review_due is not None
    assert appeal.filed_at < appeal.deadline


def test_the_suspension_cites_the_public_complaint(demo):
    complaint = Complaint.objects.select_related("unit").get()
    suspended = certificates_2563().get(state=CertificateState.SUSPENDED)
    assert complaint.unit == suspended.unit
    assert complaint.certificate_number == suspended.number
    assert complaint.state == ComplaintState.ACTIONED
    assert suspended.state_reason.startswith("พักใช้ใบรับรองตามเรื่องร้องเรียน")


def test_the_expired_certificate_is_history_of_2559(demo):
    expired = Certificate.objects.select_related("round", "unit").get(round__year=2559)
    assert expired.round.phase == RoundPhase.CLOSED
    assert expired.round.name.endswith("(ข้อมูลย้อนหลัง)")
    assert expired.unit.code == "LPN-DLT-01"
    assert (expired.valid_from.isoformat(), expired.valid_until.isoformat()) == (
        "2016-08-25", "2019-08-24")
    # Expired through the lifecycle function, which records who changed it (the system).
    assert expired.state_changed_at is not None


def test_running_the_demo_again_changes_nothing(demo):
    assert table_counts() == demo["counts"]
    assert demo["counts"]["Certificate"] == 9
    assert "GECC-2563-000001 … GECC-2563-000008" in demo["first"]
    assert "GECC-2559-000001" in demo["second"]
