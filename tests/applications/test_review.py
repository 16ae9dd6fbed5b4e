import pytest
from django.core.exceptions import ValidationError

from gecc.applications.domain import (
    accept_for_site_visit,
    add_review_comment,
    record_screening,
    reject,
    resolve_comment,
    return_for_correction,
    screening_complete,
    submit_application,
)
from gecc.applications.models import ReviewComment
from gecc.audit.models import AuditEntry
from gecc.notifications.models import OutboxMessage
from tests.applications.factories import DURING, answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(application, coordinator):
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    return application


def test_record_screening_keeps_checks_and_notes(submitted, secretariat):
    record_screening(submitted, secretariat, {"documents_complete": True,
                                              "contact_valid": {"checked": False,
                                                                "note": "เบอร์โทรไม่ถูกต้อง"}})
    submitted.refresh_from_db()
    assert submitted.screening == {
        "documents_complete": {"checked": True, "note": ""},
        "contact_valid": {"checked": False, "note": "เบอร์โทรไม่ถูกต้อง"}}
    assert screening_complete(submitted) is False
    record_screening(submitted, secretariat, dict.fromkeys(submitted.round.checklist_codes(),
                                                           True))
    assert screening_complete(submitted) is True
    assert AuditEntry.objects.filter(action="application.screened").count() == 2


def test_record_screening_refuses_unknown_items_and_drafts(submitted, application,
                                                           secretariat):
    with pytest.raises(ValidationError):
        record_screening(submitted, secretariat, {"made_up": True})


def test_record_screening_refused_for_a_draft(application, secretariat):
    with pytest.raises(ValidationError):
        record_screening(application, secretariat, {"documents_complete": True})


def test_comments_on_an_answer_and_resolution(submitted, secretariat, coordinator):
    answer = submitted.answers.get(item__ref="P1.1")
    comment = add_review_comment(submitted, secretariat, "ภาพถ่ายไม่ชัด", answer=answer)
    assert list(ReviewComment.objects.visible_to(coordinator)) == [comment]
    resolve_comment(comment, coordinator)
    resolve_comment(comment, coordinator)
    comment.refresh_from_db()
    assert comment.is_resolved
    assert AuditEntry.objects.filter(action="application.comment_resolved").count() == 1
    with pytest.raises(ValidationError):
        add_review_comment(submitted, secretariat, "  ")


def test_notifications_go_to_coordinators_and_contact(submitted, secretariat, coordinator):
    return_for_correction(submitted, secretariat, DURING.date().replace(day=28),
                          ["แนบเอกสารเพิ่มเติม"], now=DURING)
    submit_application(submitted, coordinator, now=DURING)
    accept_for_site_visit(submitted, secretariat)
    events = list(OutboxMessage.objects.order_by("pk").values_list("event", "to"))
    expected_to = [coordinator.email, "contact@unit.go.th"]
    assert events == [("application.submitted", expected_to),
                      ("application.returned", expected_to),
                      ("application.resubmitted", expected_to),
                      ("application.accepted", expected_to)]


def test_rejection_is_notified_with_the_reason(submitted, secretariat):
    reject(submitted, secretariat, "ประเภทหน่วยไม่ตรงกับเกณฑ์")
    message = OutboxMessage.objects.get(event="application.rejected")
    assert "ประเภทหน่วยไม่ตรงกับเกณฑ์" in message.body_text


def test_resolve_comment_from_a_stale_copy_resolves_once(submitted, secretariat):
    comment = add_review_comment(submitted, secretariat, "ขาดหลักฐาน")
    stale = ReviewComment.objects.get(pk=comment.pk)
    resolve_comment(comment, secretariat)
    resolve_comment(stale, secretariat)
    assert stale.is_resolved
    assert AuditEntry.objects.filter(action="application.comment_resolved").count() == 1
