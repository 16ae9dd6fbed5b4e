import pytest
from django.core.exceptions import ValidationError

from gecc.applications.domain import (
    ConcurrentEditError,
    assessment_state,
    confirm_answer,
    missing_items,
    progress_by_category,
    save_answer,
    submit_application,
)
from gecc.applications.models import Answer
from gecc.audit.models import AuditEntry
from tests.applications.factories import DURING, answer_all

pytestmark = pytest.mark.django_db


def answer(application, ref):
    return Answer.objects.select_related("item", "application__round__edition").get(
        application=application, item__ref=ref)


def test_save_answer_stores_and_bumps_the_revision(application, coordinator):
    loaded = answer(application, "P1.1")
    save_answer(loaded, self_score=3, explanation=" มีช่องจอด 4 ช่อง ", expected_revision=0,
                actor=coordinator)
    stored = answer(application, "P1.1")
    assert (stored.self_score, stored.explanation, stored.revision) == (3, "มีช่องจอด 4 ช่อง", 1)
    assert loaded.revision == 1
    entry = AuditEntry.objects.get(action="application.answer_saved")
    assert entry.data["after"] == {"self_score": 3, "explanation": "มีช่องจอด 4 ช่อง"}


def test_concurrent_edit_first_save_wins(application, coordinator, make_user):
    other = make_user("coordinator")
    first_tab = answer(application, "P1.1")
    second_tab = answer(application, "P1.1")
    save_answer(first_tab, self_score=4, explanation="บันทึกแรก",
                expected_revision=first_tab.revision, actor=coordinator)
    with pytest.raises(ConcurrentEditError) as exc:
        save_answer(second_tab, self_score=1, explanation="บันทึกที่สอง",
                    expected_revision=second_tab.revision, actor=other)
    assert exc.value.current_revision == 1
    stored = answer(application, "P1.1")
    assert (stored.self_score, stored.explanation, stored.revision) == (4, "บันทึกแรก", 1)
    assert AuditEntry.objects.filter(action="application.answer_saved").count() == 1


def test_save_answer_refuses_a_score_outside_the_scale(application, coordinator):
    with pytest.raises(ValidationError) as exc:
        save_answer(answer(application, "P1.1"), self_score=5, explanation="",
                    expected_revision=0, actor=coordinator)
    assert "self_score" in exc.value.message_dict
    with pytest.raises(ValidationError):  # P1.2 uses the yes/no scale
        save_answer(answer(application, "P1.2"), self_score=2, explanation="",
                    expected_revision=0, actor=coordinator)
    assert answer(application, "P1.1").revision == 0


def test_not_applicable_only_where_allowed(application, coordinator):
    with pytest.raises(ValidationError) as exc:
        save_answer(answer(application, "P1.1"), self_score=None, not_applicable=True,
                    explanation="", expected_revision=0, actor=coordinator)
    assert "not_applicable" in exc.value.message_dict
    save_answer(answer(application, "P1.2"), self_score=None, not_applicable=True,
                explanation="ไม่มีอาคารหลายชั้น", expected_revision=0, actor=coordinator)
    assert answer(application, "P1.2").not_applicable is True


def test_save_answer_refused_once_submitted(application, coordinator):
    answer_all(application)
    submit_application(application, coordinator, now=DURING)
    loaded = answer(application, "Q1.1")
    with pytest.raises(ValidationError):
        save_answer(loaded, self_score=0, explanation="", expected_revision=loaded.revision,
                    actor=coordinator)


def test_missing_items_lists_every_unanswered_item_and_to_confirm(application, coordinator):
    assert [(m.ref, m.reason) for m in missing_items(application)] == [
        ("P1.1", "unanswered"), ("P1.2", "unanswered"), ("Q1.1", "unanswered")]
    Answer.objects.filter(application=application, item__ref="Q1.1").update(
        needs_confirmation=True, self_score=2)
    save_answer(answer(application, "P1.2"), self_score=None, not_applicable=True,
                explanation="", expected_revision=0, actor=coordinator)
    assert [(m.ref, m.reason) for m in missing_items(application)] == [
        ("P1.1", "unanswered"), ("Q1.1", "to_confirm")]
    save_answer(answer(application, "P1.1"), self_score=2, explanation="", expected_revision=0,
                actor=coordinator)
    confirm_answer(answer(application, "Q1.1"), actor=coordinator)
    assert missing_items(application) == []
    assert answer(application, "Q1.1").revision == 1


def test_progress_by_category_in_two_queries(application, coordinator,
                                             django_assert_num_queries):
    save_answer(answer(application, "P1.1"), self_score=2, explanation="", expected_revision=0,
                actor=coordinator)
    with django_assert_num_queries(2):
        progress = progress_by_category(application)
    assert [(p.category.ref, p.answered, p.total, p.percent) for p in progress] == [
        ("P", 1, 2, 50), ("Q", 0, 1, 0)]


def test_assessment_state_reads_both_panels_in_two_queries(application, coordinator,
                                                           django_assert_num_queries):
    save_answer(answer(application, "P1.1"), self_score=2, explanation="", expected_revision=0,
                actor=coordinator)
    with django_assert_num_queries(2):
        state = assessment_state(application)
        missing = [(m.ref, m.reasons, m.answer.category_ref) for m in state.missing]
        progress = [(p.category.ref, p.answered, p.total) for p in state.progress]
    assert missing == [(m.ref, m.reasons, m.answer.category_ref)
                       for m in missing_items(application)]
    assert ("P1.2", ("unanswered",), "P") in missing and ("P1.1" not in
                                                          [ref for ref, *_ in missing])
    assert progress == [(p.category.ref, p.answered, p.total)
                        for p in progress_by_category(application)] == [("P", 1, 2),
                                                                        ("Q", 0, 1)]


def test_progress_counts_a_carried_forward_answer_once_confirmed(application, coordinator):
    Answer.objects.filter(application=application, item__ref="Q1.1").update(
        needs_confirmation=True, self_score=2)
    assert [(p.category.ref, p.answered) for p in progress_by_category(application)] == [
        ("P", 0), ("Q", 0)]
    confirm_answer(answer(application, "Q1.1"), actor=coordinator)
    assert [(p.category.ref, p.answered) for p in progress_by_category(application)] == [
        ("P", 0), ("Q", 1)]
