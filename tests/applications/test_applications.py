import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone, translation

from gecc.applications.domain import (
    accept_for_site_visit,
    bulk_accept,
    reject,
    return_for_correction,
    submit_application,
    withdraw,
)
from gecc.applications.enums import ApplicationState
from gecc.applications.models import Answer, Application, ReviewComment
from gecc.audit.models import AuditEntry
from tests.applications.factories import (
    CLOSE_AT,
    DURING,
    OPEN_AT,
    answer_all,
    make_application,
)
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db
SECOND = datetime.timedelta(seconds=1)
S = ApplicationState


def test_create_application_answers_every_item_for_the_unit_type(application):
    # The small edition has four items; Q1.2 applies to local units only.
    refs = list(application.answers.order_by("item__position")
                .values_list("item__ref", flat=True))
    assert refs == ["P1.1", "P1.2", "Q1.1"]
    assert application.state == S.DRAFT
    assert AuditEntry.objects.filter(action="application.created").count() == 1


def test_create_application_for_a_local_unit_includes_local_items(round_obj, coordinator):
    unit = ServiceUnitFactory(unit_type="local")
    application = make_application(round_obj, unit, coordinator)
    assert application.answers.count() == 4


def test_create_application_refuses_an_unknown_level(round_obj, unit):
    with pytest.raises(ValidationError) as exc:
        make_application(round_obj, unit, target_level="platinum")
    assert "target_level" in exc.value.message_dict
    assert not Application.objects.exists()


def test_create_application_refuses_after_the_close(round_obj, unit):
    with pytest.raises(ValidationError):
        make_application(round_obj, unit, now=CLOSE_AT)
    make_application(round_obj, unit, now=CLOSE_AT - SECOND)


def test_second_live_application_is_refused_with_a_thai_message(application, round_obj,
                                                                 unit):
    with translation.override("th"), pytest.raises(ValidationError) as exc:
        make_application(round_obj, unit)
    assert exc.value.messages == [
        "หน่วยบริการนี้มีใบสมัครในรอบนี้แล้ว กรุณาถอนใบสมัครเดิมก่อน หรือดำเนินการต่อจากใบสมัครเดิม"]
    assert Application.objects.count() == 1


def test_database_refuses_a_second_live_application(application):
    duplicate = Application(round=application.round, unit=application.unit,
                            target_level="basic", contact_name="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_database_allows_a_new_application_after_a_withdrawal(application, round_obj, unit,
                                                              coordinator):
    withdraw(application, coordinator)
    again = make_application(round_obj, unit, coordinator)
    assert again.pk != application.pk
    assert Application.objects.filter(unit=unit).count() == 2


def test_submit_one_second_after_the_close_is_refused(application, coordinator):
    answer_all(application)
    with pytest.raises(ValidationError) as exc:
        submit_application(application, coordinator, now=CLOSE_AT + SECOND)
    assert exc.value.code == "deadline_passed"
    assert Application.objects.get(pk=application.pk).state == S.DRAFT


def test_submit_at_the_last_second_is_accepted(application, coordinator):
    answer_all(application)
    submit_application(application, coordinator, now=CLOSE_AT - SECOND)
    stored = Application.objects.get(pk=application.pk)
    assert stored.state == S.SUBMITTED
    assert stored.submitted_at == CLOSE_AT - SECOND


def test_submit_before_the_round_opens_is_refused(application, coordinator):
    answer_all(application)
    with pytest.raises(ValidationError):
        submit_application(application, coordinator, now=OPEN_AT - SECOND)


def test_submit_with_items_missing_lists_every_unanswered_item(application, coordinator):
    Answer.objects.filter(application=application, item__ref="Q1.1").update(self_score=2)
    with pytest.raises(ValidationError) as exc:
        submit_application(application, coordinator, now=DURING)
    assert exc.value.code == "incomplete"
    assert exc.value.params["missing"] == ["P1.1", "P1.2"]
    assert "P1.1" in exc.value.messages[0]
    assert "Q1.1" not in exc.value.messages[0]


def test_returned_application_after_its_deadline_is_refused(application, coordinator,
                                                            secretariat):
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    deadline = DURING + datetime.timedelta(days=7)
    return_for_correction(application, secretariat, deadline, ["แนบภาพถ่ายลานจอดรถ"],
                          now=DURING)
    with pytest.raises(ValidationError) as exc:
        submit_application(application, coordinator, now=deadline + SECOND)
    assert exc.value.code == "deadline_passed"
    assert Application.objects.get(pk=application.pk).state == S.RETURNED
    submit_application(application, coordinator, now=deadline - SECOND)
    assert Application.objects.get(pk=application.pk).state == S.RESUBMITTED


def test_returned_application_can_be_resubmitted_after_the_round_close(
        application, coordinator, secretariat):
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    after_close = CLOSE_AT + datetime.timedelta(days=3)
    return_for_correction(application, secretariat, datetime.date(2026, 3, 10), now=after_close)
    # a date-only deadline is the end of that day in Bangkok
    assert application.return_deadline.isoformat() == "2026-03-10T23:59:59.999999+07:00"
    submit_application(application, coordinator, now=after_close + datetime.timedelta(days=1))
    assert application.state == S.RESUBMITTED


def test_return_for_correction_stores_comments_and_needs_a_future_deadline(
        application, coordinator, secretariat):
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    with pytest.raises(ValidationError):
        return_for_correction(application, secretariat, DURING - SECOND, now=DURING)
    with pytest.raises(ValidationError):
        return_for_correction(application, secretariat, None, now=DURING)
    return_for_correction(application, secretariat, DURING + datetime.timedelta(days=5),
                          ["แนบภาพถ่าย", "  "], now=DURING)
    assert list(ReviewComment.objects.values_list("text", flat=True)) == ["แนบภาพถ่าย"]


def test_return_deadline_after_the_desk_review_end_is_refused(application, coordinator,
                                                              secretariat):
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    review_end = application.round.desk_review_end_at
    with pytest.raises(ValidationError) as exc:
        return_for_correction(application, secretariat, review_end + SECOND, now=DURING)
    assert "30 เมษายน 2569" in exc.value.message_dict["return_deadline"][0]
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED
    return_for_correction(application, secretariat, review_end, now=DURING)
    assert Application.objects.get(pk=application.pk).state == S.RETURNED


@pytest.mark.parametrize(("days_after", "allowed"), [(0, True), (1, False)])
def test_return_deadline_given_as_a_date_may_be_the_last_day_of_the_desk_review(
        application, coordinator, secretariat, days_after, allowed):
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    review_end = application.round.desk_review_end_at  # 30 April 2569, 16:30
    day = timezone.localtime(review_end).date() + datetime.timedelta(days=days_after)
    if allowed:
        return_for_correction(application, secretariat, day, now=DURING)
        # that day counts until the desk review ends, not until midnight
        assert Application.objects.get(pk=application.pk).return_deadline == review_end
    else:
        with pytest.raises(ValidationError):
            return_for_correction(application, secretariat, day, now=DURING)
        assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


@pytest.mark.parametrize("decide", [
    lambda app, actor: accept_for_site_visit(app, actor),
    lambda app, actor: reject(app, actor, "ไม่ผ่าน"),
    lambda app, actor: return_for_correction(app, actor, DURING + datetime.timedelta(days=5),
                                             now=DURING),
], ids=["accept", "reject", "return"])
def test_desk_review_decisions_are_refused_once_the_site_visits_began(
        application, coordinator, secretariat, decide):
    """A round cannot reach its site visits with an undecided application (see below); if
    one did (a round moved on before that rule), the decisions are still refused."""
    from gecc.rounds.models import Round

    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    Round.objects.filter(pk=application.round_id).update(phase="site_visits")
    application.round.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        decide(application, secretariat)
    assert exc.value.code == "desk_review_over"
    assert "การตรวจเอกสาร" in exc.value.messages[0]
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


def test_the_site_visits_cannot_begin_while_applications_await_a_decision(
        round_obj, coordinator, secretariat):
    from gecc.rounds.domain import advance_phase
    from gecc.rounds.models import Round

    waiting = answer_all(make_application(round_obj, ServiceUnitFactory(), coordinator))
    submit_application(waiting, coordinator, now=DURING)
    returned = answer_all(make_application(round_obj, ServiceUnitFactory(), coordinator))
    submit_application(returned, coordinator, now=DURING)
    return_for_correction(returned, secretariat, DURING + datetime.timedelta(days=5),
                          now=DURING)
    make_application(round_obj, ServiceUnitFactory(), coordinator)  # a draft: no matter
    advance_phase(round_obj, secretariat)  # to the desk review: allowed
    with pytest.raises(ValidationError) as exc:
        advance_phase(round_obj, secretariat)
    message = exc.value.messages[0]
    assert "ใบสมัคร 2 รายการ" in message
    assert "ยื่นแล้ว 1" in message and "ส่งกลับให้แก้ไข 1" in message
    assert Round.objects.get(pk=round_obj.pk).phase == "desk_review"
    accept_for_site_visit(waiting, secretariat)
    with pytest.raises(ValidationError) as pending:  # the unit may still send corrections
        reject(returned, secretariat, "ไม่ส่งแก้ไขภายในกำหนด", now=DURING)
    assert pending.value.code == "corrections_pending"
    reject(returned, secretariat, "ไม่ส่งแก้ไขภายในกำหนด",
           now=returned.return_deadline + SECOND)
    advance_phase(round_obj, secretariat)
    assert Round.objects.get(pk=round_obj.pk).phase == "site_visits"


def test_desk_review_decisions_are_allowed_in_the_desk_review_phase(
        application, coordinator, secretariat):
    from gecc.rounds.domain import advance_phase

    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    advance_phase(application.round, secretariat)
    accept_for_site_visit(application, secretariat)
    assert Application.objects.get(pk=application.pk).state == S.ACCEPTED


def test_reject_requires_a_reason(application, coordinator, secretariat):
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    with pytest.raises(ValidationError):
        reject(application, secretariat, "   ")
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED
    reject(application, secretariat, "ประเภทหน่วยไม่ตรงกับเกณฑ์")
    stored = Application.objects.get(pk=application.pk)
    assert (stored.state, stored.rejection_reason) == (S.REJECTED, "ประเภทหน่วยไม่ตรงกับเกณฑ์")


def test_bulk_accept_reports_what_could_not_be_accepted(round_obj, coordinator, secretariat):
    ready = []
    for _i in range(2):
        application = answer_all(make_application(round_obj, ServiceUnitFactory(), coordinator))
        submit_application(application, coordinator, now=DURING)
        ready.append(application)
    draft = make_application(round_obj, ServiceUnitFactory(), coordinator)
    outcome = bulk_accept([*ready, draft], secretariat)
    assert outcome.accepted == ready
    assert [application for application, _message in outcome.refused] == [draft]
    assert set(Application.objects.values_list("state", flat=True)) == {S.ACCEPTED, S.DRAFT}
    assert AuditEntry.objects.filter(action="application.accepted").count() == 2


def test_stale_application_version_is_refused(application, coordinator, secretariat):
    from gecc.applications.domain import ConcurrentEditError

    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    with pytest.raises(ConcurrentEditError):
        accept_for_site_visit(application, secretariat, expected_version=1)
    accept_for_site_visit(application, secretariat, expected_version=2)
    assert application.state == S.ACCEPTED


def test_a_unit_with_an_application_cannot_be_deleted_only_deactivated(application, unit):
    with pytest.raises(ProtectedError):
        unit.delete()
    from gecc.registry.domain.units import deactivate_unit

    deactivate_unit(unit, actor=application.created_by)
    unit.refresh_from_db()
    assert unit.is_active is False
    assert Application.objects.filter(unit=unit).count() == 1
