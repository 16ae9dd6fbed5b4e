"""Appeals: filing (who, when, what), the secretariat's steps, the outcome changing the
decision, e-mails at each step, the pages and who may open them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gecc.accounts.enums import Role
from gecc.audit.models import AuditEntry
from gecc.common.thaidate import end_of_day, format_be_deadline
from gecc.decisions.domain.appeals import (
    appeal_deadline,
    assign_reviewer,
    file_appeal,
    receive_appeal,
    record_appeal_outcome,
)
from gecc.decisions.enums import AppealState, DecisionChange, DecisionOutcome
from gecc.decisions.models import Appeal, AppealAttachment, Decision
from gecc.notifications.models import OutboxMessage
from tests.conftest import sign_in
from tests.decisions.builders import decided, locked_application, secretariat_user
from tests.evidence import samples
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REASONS = "คะแนนหมวดการให้บริการต่ำกว่าความเป็นจริง มีหลักฐานการให้บริการผ่านระบบออนไลน์"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def coordinator_of(decision):
    return decision.application.unit.coordinators.get()


def pdf(name="หนังสืออุทธรณ์.pdf"):
    return SimpleUploadedFile(name, samples.pdf_bytes(), content_type="application/pdf")


def png(name="ภาพ.png"):
    return SimpleUploadedFile(name, samples.png_bytes(), content_type="image/png")


def filed(decision=None, **kwargs):
    decision = decision or decided()
    return file_appeal(decision, coordinator_of(decision), reasons=REASONS, **kwargs)


def events(event):
    return list(OutboxMessage.objects.filter(event=event))


# -- the deadline -----------------------------------------------------------------------------


def test_appeal_deadline_is_the_end_of_the_closing_day_plus_the_period(settings):
    settings.APPEAL_PERIOD_DAYS = 30
    closed_at = datetime.datetime(2026, 8, 5, 23, 30, tzinfo=datetime.UTC)  # 6 Aug in Bangkok
    decision = decided(closed_at=closed_at)
    assert appeal_deadline(decision) == end_of_day(datetime.date(2026, 9, 5))


def test_appeal_deadline_is_none_while_the_meeting_is_open():
    assert appeal_deadline(decided(closed=False)) is None


# -- filing -----------------------------------------------------------------------------------


def test_file_appeal_by_the_unit_coordinator_with_files():
    decision = decided()
    appeal = filed(decision, requested_level="excellence", files=[pdf(), png()])
    assert appeal.state == AppealState.FILED
    assert appeal.reasons == REASONS
    assert appeal.requested_level == "excellence"
    assert appeal.deadline == appeal_deadline(decision)
    attachments = list(appeal.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type) for a in attachments] == [
        ("หนังสืออุทธรณ์.pdf", "application/pdf"), ("ภาพ.png", "image/png")]
    assert all(len(a.sha256) == 64 for a in attachments)
    entry = AuditEntry.objects.get(action="appeal.filed")
    assert entry.object_id == str(appeal.pk)
    [message] = events("decisions.appeal_filed")
    assert message.to == [coordinator_of(decision).email]
    assert f"/portal/appeals/{appeal.pk}/" in message.body_text


def test_file_appeal_after_the_deadline_is_refused(settings):
    settings.APPEAL_PERIOD_DAYS = 30
    decision = decided(closed_at=timezone.now() - datetime.timedelta(days=40))
    with pytest.raises(ValidationError) as exc:
        filed(decision)
    assert exc.value.code == "deadline_passed"
    date = format_be_deadline(appeal_deadline(decision))
    assert exc.value.messages == [
        f"ระยะเวลายื่นอุทธรณ์ผลการตัดสินนี้สิ้นสุดเมื่อ {date} จึงยื่นอุทธรณ์ไม่ได้อีก"]
    assert Appeal.objects.count() == 0


def test_file_appeal_on_the_last_day_is_accepted(settings):
    settings.APPEAL_PERIOD_DAYS = 30
    decision = decided(closed_at=timezone.now() - datetime.timedelta(days=30))
    now = appeal_deadline(decision) - datetime.timedelta(minutes=1)
    appeal = file_appeal(decision, coordinator_of(decision), reasons=REASONS, now=now)
    assert appeal.state == AppealState.FILED


def test_file_appeal_by_another_units_coordinator_is_refused():
    decision = decided()
    other = UserFactory(roles=[Role.COORDINATOR])
    with pytest.raises(PermissionDenied):
        file_appeal(decision, other, reasons=REASONS)
    assert Appeal.objects.count() == 0


def test_file_appeal_by_the_secretariat_is_refused():
    decision = decided()
    with pytest.raises(PermissionDenied):
        file_appeal(decision, secretariat_user(), reasons=REASONS)


def test_file_appeal_on_a_decision_not_final_is_refused():
    decision = decided(closed=False)
    with pytest.raises(ValidationError) as exc:
        filed(decision)
    assert exc.value.code == "not_final"
    assert Appeal.objects.count() == 0


def test_file_appeal_without_reasons_is_refused():
    decision = decided()
    with pytest.raises(ValidationError) as exc:
        file_appeal(decision, coordinator_of(decision), reasons="   \n ")
    assert exc.value.code == "reasons_required"
    assert exc.value.messages == ["กรุณาระบุเหตุผลของการอุทธรณ์"]


def test_file_appeal_second_while_one_is_open_is_refused():
    decision = decided()
    filed(decision)
    with pytest.raises(ValidationError) as exc:
        filed(decision)
    assert exc.value.code == "already_open"
    assert Appeal.objects.count() == 1


def test_file_appeal_again_after_a_dismissed_one_is_accepted():
    decision = decided()
    first = filed(decision)
    secretariat = secretariat_user()
    receive_appeal(first, secretariat)
    record_appeal_outcome(first, secretariat, upheld=False, reason="หลักฐานไม่เพียงพอ")
    assert filed(decision).pk != first.pk


def test_file_appeal_with_a_wrong_type_saves_nothing():
    decision = decided()
    script = SimpleUploadedFile("หลักฐาน.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        filed(decision, files=[pdf(), script])
    assert exc.value.messages == [
        "“หลักฐาน.pdf” ไม่ใช่ไฟล์ PDF, JPEG หรือ PNG แนบได้เฉพาะไฟล์ประเภทนี้เท่านั้น"]
    assert Appeal.objects.count() == 0
    assert AppealAttachment.objects.count() == 0
    assert not AuditEntry.objects.filter(action="appeal.filed").exists()


def test_file_appeal_with_a_docx_is_refused(tmp_path):
    decision = decided()
    docx = SimpleUploadedFile("a.docx", samples.docx_bytes())
    with pytest.raises(ValidationError) as exc:
        filed(decision, files=[docx])
    assert exc.value.error_list[0].code == "attachment_type"
    assert Appeal.objects.count() == 0


def test_file_appeal_with_a_file_too_big_saves_nothing(settings):
    settings.APPEAL_ATTACHMENT_MAX_BYTES = 1024 * 1024
    decision = decided()
    big = SimpleUploadedFile("ใหญ่.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        filed(decision, files=[big])
    assert exc.value.messages == ["“ใหญ่.pdf” มีขนาดใหญ่เกินไป ขนาดไฟล์สูงสุดคือ 1 MB"]
    assert Appeal.objects.count() == 0
    assert AppealAttachment.objects.count() == 0


def test_file_appeal_with_an_unknown_level_is_refused():
    decision = decided()
    with pytest.raises(ValidationError) as exc:
        filed(decision, requested_level="platinum")
    assert exc.value.code == "unknown_level"


# -- the secretariat's steps --------------------------------------------------------------------


def test_receive_assign_and_dismiss_tell_the_unit_each_time():
    appeal = filed()
    secretariat = secretariat_user()
    steering = UserFactory(roles=[Role.STEERING], full_name="นายกรรมการ อำนวยการ")
    due = timezone.localdate() + datetime.timedelta(days=14)
    receive_appeal(appeal, secretariat)
    assign_reviewer(appeal, secretariat, reviewer=steering, review_due=due)
    appeal = record_appeal_outcome(appeal, secretariat, upheld=False,
                                   reason="ผลการตรวจสอบยืนตามมติเดิม")
    assert appeal.state == AppealState.DISMISSED
    assert appeal.outcome_reason == "ผลการตรวจสอบยืนตามมติเดิม"
    assert appeal.decided_by == secretariat
    appeal.refresh_from_db()
    assert (appeal.reviewer, appeal.review_due) == (steering, due)
    assert list(AuditEntry.objects.filter(object_id=str(appeal.pk), action__startswith="appeal.")
                .order_by("pk").values_list("action", flat=True)) == [
        "appeal.filed", "appeal.received", "appeal.reviewer_assigned", "appeal.dismissed"]
    for event in ("decisions.appeal_filed", "decisions.appeal_received",
                  "decisions.appeal_reviewer_assigned", "decisions.appeal_decided"):
        assert len(events(event)) == 1, event
    assert "ยกคำอุทธรณ์" in events("decisions.appeal_decided")[0].subject


def test_receive_twice_is_refused():
    appeal = filed()
    secretariat = secretariat_user()
    receive_appeal(appeal, secretariat)
    with pytest.raises(ValidationError) as exc:
        receive_appeal(appeal, secretariat)
    assert exc.value.code == "wrong_state"


def test_receive_by_a_coordinator_is_refused():
    appeal = filed()
    with pytest.raises(PermissionDenied):
        receive_appeal(appeal, appeal.filed_by)


def test_assign_an_assessor_as_reviewer_is_refused():
    appeal = filed()
    secretariat = secretariat_user()
    receive_appeal(appeal, secretariat)
    with pytest.raises(ValidationError) as exc:
        assign_reviewer(appeal, secretariat, reviewer=UserFactory(roles=[Role.ASSESSOR]))
    assert exc.value.code == "bad_reviewer"


def test_assign_before_receipt_is_refused():
    appeal = filed()
    secretariat = secretariat_user()
    with pytest.raises(ValidationError) as exc:
        assign_reviewer(appeal, secretariat, reviewer=secretariat)
    assert exc.value.code == "wrong_state"


def test_dismissed_without_reason_is_refused():
    appeal = filed()
    secretariat = secretariat_user()
    receive_appeal(appeal, secretariat)
    with pytest.raises(ValidationError) as exc:
        record_appeal_outcome(appeal, secretariat, upheld=False, reason="  ")
    assert exc.value.code == "reason_required"
    appeal.refresh_from_db()
    assert appeal.state == AppealState.RECEIVED


def test_upheld_changes_the_decision_on_appeal():
    decision = decided(outcome=DecisionOutcome.CERTIFY, level="advanced")
    appeal = filed(decision, requested_level="excellence")
    secretariat = secretariat_user()
    receive_appeal(appeal, secretariat)
    appeal = record_appeal_outcome(appeal, secretariat, upheld=True,
                                   reason="หลักฐานเพิ่มเติมครบตามเกณฑ์ระดับเป็นเลิศ")
    decision = Decision.objects.get(pk=decision.pk)
    assert (decision.outcome, decision.level) == (DecisionOutcome.CERTIFY, "excellence")
    assert decision.change == DecisionChange.APPEAL
    assert decision.revision == 2
    assert appeal.state == AppealState.UPHELD
    assert appeal.outcome_level == "excellence"
    assert AuditEntry.objects.filter(action="decision.changed_on_appeal").count() == 1
    assert AuditEntry.objects.filter(action="appeal.upheld").count() == 1
    assert "อุทธรณ์ได้รับการพิจารณาให้" in events("decisions.appeal_decided")[0].subject


def test_upheld_to_certify_a_not_certified_unit():
    decision = decided(outcome=DecisionOutcome.NOT_CERTIFY, reason="ไม่ผ่านเกณฑ์บังคับ")
    appeal = filed(decision)
    secretariat = secretariat_user()
    receive_appeal(appeal, secretariat)
    record_appeal_outcome(appeal, secretariat, upheld=True, reason="ผ่านเกณฑ์บังคับแล้ว",
                          outcome=DecisionOutcome.CERTIFY, level="basic")
    decision.refresh_from_db()
    assert (decision.outcome, decision.level, decision.revision) == ("certify", "basic", 2)


def test_upheld_to_the_same_decision_is_refused_and_nothing_changes():
    decision = decided(outcome=DecisionOutcome.CERTIFY, level="advanced")
    appeal = filed(decision, requested_level="advanced")
    secretariat = secretariat_user()
    receive_appeal(appeal, secretariat)
    with pytest.raises(ValidationError) as exc:
        record_appeal_outcome(appeal, secretariat, upheld=True, reason="ยืนตามเดิม")
    assert exc.value.code == "unchanged"
    appeal.refresh_from_db()
    assert appeal.state == AppealState.RECEIVED


# -- pages --------------------------------------------------------------------------------------


def test_portal_create_page_files_an_appeal_with_a_file(client):
    decision = decided()
    sign_in(client, coordinator_of(decision))
    url = reverse("portal:appeal.create", args=[decision.application_id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="appeal-form"' in page.content.decode()
    response = client.post(url, {"reasons": REASONS, "requested_level": "excellence",
                                  "files": [pdf()]})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:appeal.detail", args=[appeal.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "หนังสืออุทธรณ์.pdf" in detail
    attachment = appeal.attachments.get()
    download = client.get(reverse("portal:appeal.attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.pdf_bytes()


def test_portal_create_page_keeps_the_reasons_on_a_wrong_file(client):
    decision = decided()
    sign_in(client, coordinator_of(decision))
    url = reverse("portal:appeal.create", args=[decision.application_id])
    bad = SimpleUploadedFile("ไวรัส.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    response = client.post(url, {"reasons": REASONS, "files": [bad]})
    body = response.content.decode()
    assert response.status_code == 400
    assert REASONS in body
    assert "ไม่ใช่ไฟล์ PDF, JPEG หรือ PNG" in body
    assert Appeal.objects.count() == 0


def test_portal_create_page_after_the_deadline_says_so(client, settings):
    settings.APPEAL_PERIOD_DAYS = 30
    decision = decided(closed_at=timezone.now() - datetime.timedelta(days=31))
    sign_in(client, coordinator_of(decision))
    body = client.get(reverse("portal:appeal.create",
                              args=[decision.application_id])).content.decode()
    assert 'data-testid="appeal-refusal"' in body
    assert 'data-testid="appeal-form"' not in body


def test_portal_create_page_before_the_decision_is_final_says_so(client):
    decision = decided(closed=False)
    sign_in(client, coordinator_of(decision))
    body = client.get(reverse("portal:appeal.create",
                              args=[decision.application_id])).content.decode()
    assert "ยังไม่มีผลการตัดสินที่เป็นที่สุด" in body
    assert 'data-testid="appeal-form"' not in body


def test_portal_pages_of_another_unit_are_hidden(client):
    appeal = filed()
    other = UserFactory(roles=[Role.COORDINATOR])
    sign_in(client, other)
    assert client.get(reverse("portal:appeal.detail", args=[appeal.pk])).status_code == 404
    assert client.get(reverse("portal:appeal.create",
                              args=[appeal.application_id])).status_code == 404


def test_staff_steps_through_the_pages(client):
    appeal = filed()
    secretariat = secretariat_user()
    sign_in(client, secretariat)
    receive_url = reverse("decisions:appeal.receive", args=[appeal.pk])
    assert client.get(receive_url).status_code == 200
    assert client.post(receive_url).status_code == 302
    assign_url = reverse("decisions:appeal.assign", args=[appeal.pk])
    response = client.post(assign_url, {"reviewer": secretariat.pk, "review_due": ""})
    assert response.status_code == 302
    outcome_url = reverse("decisions:appeal.outcome", args=[appeal.pk])
    response = client.post(outcome_url, {"result": "dismissed", "reason": ""})
    assert response.status_code == 400
    response = client.post(outcome_url, {"result": "dismissed", "reason": "ยืนตามมติเดิม"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == AppealState.DISMISSED
    detail = client.get(reverse("decisions:appeal.detail", args=[appeal.pk])).content.decode()
    assert "ยืนตามมติเดิม" in detail


@pytest.mark.parametrize("count", [1, 3])
def test_staff_list_query_count(client, django_assert_max_num_queries, count):
    for _ in range(count):
        filed()
    sign_in(client, secretariat_user())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("decisions:appeal.list"))
    assert response.status_code == 200
    assert len(response.context["appeals"]) == count


def test_staff_list_filters_and_export(client):
    first = filed()
    second = filed()
    secretariat = secretariat_user()
    receive_appeal(second, secretariat)
    sign_in(client, secretariat)
    response = client.get(reverse("decisions:appeal.list"), {"state": "received"})
    assert [a.pk for a in response.context["appeals"]] == [second.pk]
    code = first.application.unit.code
    response = client.get(reverse("decisions:appeal.list"), {"q": code})
    assert [a.pk for a in response.context["appeals"]] == [first.pk]
    export = client.get(reverse("decisions:appeal.export"), {"state": "filed"})
    text = export.content.decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv")
    assert code in text
    assert second.application.unit.code not in text
    assert AuditEntry.objects.filter(action="appeals.exported").count() == 1


def test_steering_reads_but_cannot_act(client):
    appeal = filed()
    steering = UserFactory(roles=[Role.STEERING])
    sign_in(client, steering)
    assert client.get(reverse("decisions:appeal.detail", args=[appeal.pk])).status_code == 200
    assert client.get(reverse("decisions:appeal.receive", args=[appeal.pk])).status_code == 403


def test_staff_attachment_is_not_for_assessors(client):
    appeal = filed(files=[pdf()])
    sign_in(client, UserFactory(roles=[Role.ASSESSOR]))
    url = reverse("decisions:appeal.attachment", args=[appeal.attachments.get().pk])
    assert client.get(url).status_code == 403


def test_locked_application_helper_has_one_coordinator():
    application = locked_application()
    assert application.unit.coordinators.count() == 1
