"""Issue 10, points 1, 2 and 8: submission means complete, a closed round is read-only,
and every sending leaves a receipt (page, e-mail, printable page)."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gecc.applications.domain import (
    build_manifest,
    content_hash,
    missing_items,
    save_answer,
    submit_application,
    withdraw,
)
from gecc.applications.models import Answer, Submission
from gecc.criteria.domain.editions import load_edition
from gecc.evidence.domain.evidence import add_evidence
from gecc.notifications.models import OutboxMessage
from tests.applications.factories import CLOSE_AT, make_application, make_round
from tests.criteria.factories import small_document
from tests.evidence import samples

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def evidence_version():
    """The small edition with P1.1 marked ``evidence_required``."""
    document = small_document(label="2591")
    document["categories"][0]["criteria"][0]["items"][0]["evidence_required"] = True
    return load_edition(document).version


@pytest.fixture
def application(secretariat, unit, coordinator):
    round_obj = make_round(secretariat, version=evidence_version())
    return make_application(round_obj, unit, coordinator)


def answer_for(application, ref):
    return Answer.objects.select_related("item", "application__round").get(
        application=application, item__ref=ref)


def answer_everything(application, coordinator):
    for ref, score, na in (("P1.1", 2, False), ("P1.2", None, True), ("Q1.1", 3, False)):
        save_answer(answer_for(application, ref), self_score=score, not_applicable=na,
                    explanation=f"คำอธิบาย {ref}", expected_revision=0, actor=coordinator)


def attach(application, coordinator, ref="P1.1"):
    return add_evidence(answer_for(application, ref),
                        SimpleUploadedFile("ภาพ.png", samples.png_bytes()), coordinator)


# -- point 1: complete means complete ----------------------------------------------------


def test_submit_page_lists_every_unanswered_item_and_missing_evidence(coordinator_client,
                                                                        application):
    response = coordinator_client.get(reverse("portal:application.submit",
                                              kwargs={"pk": application.pk}))
    assert [(m.ref, m.reasons) for m in response.context["missing"]] == [
        ("P1.1", ("unanswered", "no_evidence")), ("P1.2", ("unanswered",)),
        ("Q1.1", ("unanswered",))]
    body = response.content.decode()
    assert "ไม่มีรายการที่ขาด" not in body
    entry = body.split('data-testid="missing-P1.1"')[1].split("</li>")[0]
    assert entry.count('class="badge badge-missing"') == 2  # not answered, evidence required
    assert "#item-P1.1" in body and "#item-Q1.1" in body


def test_answered_but_without_evidence_cannot_be_submitted(application, coordinator):
    answer_everything(application, coordinator)
    assert [(m.ref, m.reasons) for m in missing_items(application)] == [
        ("P1.1", ("no_evidence",))]
    with pytest.raises(Exception) as exc:
        submit_application(application, coordinator)
    assert exc.value.params["missing"] == ["P1.1"]
    attach(application, coordinator)
    assert missing_items(application) == []


def test_missing_items_takes_one_query(application, coordinator, django_assert_num_queries):
    with django_assert_num_queries(1):
        missing_items(application)


def test_na_where_not_allowed_is_missing(application, coordinator):
    answer_everything(application, coordinator)
    attach(application, coordinator)
    Answer.objects.filter(application=application, item__ref="Q1.1").update(
        self_score=None, not_applicable=True)
    assert [(m.ref, m.reasons) for m in missing_items(application)] == [
        ("Q1.1", ("na_not_allowed",))]


# -- point 2: a closed round is read-only ------------------------------------------------


def test_autosave_after_the_close_is_409_with_the_closed_message(coordinator_client,
                                                                 coordinator, application,
                                                                 clock):
    answer = answer_for(application, "Q1.1")
    clock.now = CLOSE_AT + datetime.timedelta(seconds=1)
    coordinator_client.force_login(coordinator)
    response = coordinator_client.post(
        reverse("portal:answer.save", kwargs={"pk": answer.pk}),
        {"revision": "0", "score": "2", "explanation": "สาย"}, **HTMX)
    assert response.status_code == 409
    assert "ปิดรับใบสมัครแล้ว" in response.content.decode()
    assert answer_for(application, "Q1.1").self_score is None


def test_evidence_upload_after_the_close_is_refused(coordinator_client, coordinator,
                                                   application, clock, settings, tmp_path):
    answer = answer_for(application, "P1.1")
    clock.now = CLOSE_AT + datetime.timedelta(minutes=5)
    coordinator_client.force_login(coordinator)
    response = coordinator_client.post(
        reverse("evidence:file.upload", kwargs={"answer_id": answer.pk}),
        {"file": SimpleUploadedFile("ภาพ.png", samples.png_bytes())}, **HTMX)
    assert response.status_code == 409
    assert "ปิดรับใบสมัครแล้ว" in response.content.decode()
    assert answer.evidence_files.count() == 0


def test_pages_say_applications_are_closed_and_show_no_inputs(coordinator_client,
                                                              coordinator, application,
                                                              clock):
    clock.now = CLOSE_AT + datetime.timedelta(days=1)
    coordinator_client.force_login(coordinator)
    assessment = coordinator_client.get(reverse("portal:application.assessment",
                                                kwargs={"pk": application.pk}))
    body = assessment.content.decode()
    assert 'data-testid="closed-notice"' in body
    assert "ปิดรับใบสมัครแล้ว" in body
    assert 'name="score"' not in body and "<textarea" not in body
    assert 'type="file"' not in body
    # Neither the autosave hint with its deadline nor the "has been sent" line of a sent one.
    assert "บันทึกคำตอบให้อัตโนมัติ" not in body and "ใบสมัครนี้ส่งแล้ว" not in body
    detail = coordinator_client.get(reverse("portal:application.detail",
                                            kwargs={"pk": application.pk})).content.decode()
    assert 'data-testid="closed-notice"' in detail
    assert 'data-testid="submit-link"' not in detail
    assert 'data-testid="withdraw-link"' not in detail


def test_draft_cannot_be_withdrawn_after_the_close(application, coordinator, clock):
    clock.now = CLOSE_AT + datetime.timedelta(days=1)
    with pytest.raises(Exception) as exc:
        withdraw(application, coordinator, "ไม่ทันกำหนด")
    assert exc.value.code == "applications_closed"


# -- point 8: receipts -------------------------------------------------------------------


def test_submission_stores_a_receipt_and_emails_it(coordinator_client, coordinator,
                                                   application):
    answer_everything(application, coordinator)
    evidence = attach(application, coordinator)
    manifest = build_manifest(application)
    response = coordinator_client.post(reverse("portal:application.submit",
                                               kwargs={"pk": application.pk}), follow=True)
    receipt = Submission.objects.get(application=application)
    number = f"GECC-{application.round.year}-{application.pk:06d}-01"
    assert (receipt.number, receipt.sequence, receipt.resubmission) == (number, 1, False)
    assert (receipt.item_count, receipt.answered_count, receipt.evidence_count) == (3, 3, 1)
    assert receipt.sha256 == content_hash(manifest)
    assert manifest["items"][0] == {"ref": "P1.1", "score": 2, "na": False,
                                    "explanation": "คำอธิบาย P1.1",
                                    "evidence": [evidence.sha256]}
    body = response.content.decode()
    assert number in body and receipt.sha256 in body
    message = OutboxMessage.objects.get(event="application.submitted")
    assert number in message.body_text and receipt.sha256 in message.body_text
    assert number in message.body_html
    printable = coordinator_client.get(receipt.get_absolute_url())
    assert printable.status_code == 200
    assert 'data-testid="receipt-sheet"' in printable.content.decode()
    assert mail.outbox == [] or number in mail.outbox[-1].body


def test_receipt_of_another_unit_is_404(client, make_user, application, coordinator):
    answer_everything(application, coordinator)
    attach(application, coordinator)
    submit_application(application, coordinator)
    client.force_login(make_user("coordinator"))
    response = client.get(reverse("portal:application.receipt",
                                  kwargs={"pk": application.pk, "sequence": 1}))
    assert response.status_code == 404
