"""Recording, bulk approval, correction and change on appeal of steering-committee decisions
(``gecc.decisions.domain.decisions``): every refusal in Thai with nothing saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gecc.accounts.enums import Role
from gecc.audit.models import AuditEntry
from gecc.decisions.domain import hooks
from gecc.decisions.domain.decisions import (
    appeal_deadline,
    approve_as_proposed,
    change_decision_on_appeal,
    correct_decision,
    decidable_applications,
    record_decision,
)
from gecc.decisions.enums import DecisionChange, DecisionOutcome, MeetingState
from gecc.decisions.models import Appeal, Decision
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from tests.decisions.builders import (
    NO_LEVEL,
    TOP,
    decided,
    decision_round,
    locked_application,
    open_meeting,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(monkeypatch):
    calls = []
    monkeypatch.setattr(hooks, "_listeners", [
        lambda decision, actor, *, event, request=None: calls.append(
            (decision.pk, event, decision.outcome, decision.level))])
    return calls


@pytest.fixture
def world():
    round_obj = decision_round()
    return round_obj, round_obj.first_application, open_meeting(round_obj)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value
    return " ".join(info.value.messages)


def test_record_decision_certify_defaults_to_the_proposed_level(world):
    round_obj, application, meeting = world
    decision = record_decision(application, meeting, round_obj.secretariat,
                               outcome=DecisionOutcome.CERTIFY)
    assert (decision.outcome, decision.level, decision.proposed_level) == (
        "certify", "advanced", "advanced")
    assert decision.proposed_percent == 75.0
    assert decision.on_behalf is True
    entry = AuditEntry.objects.get(action="decision.recorded")
    assert entry.data["after"]["level"] == "advanced"


def test_record_decision_by_a_committee_member_is_not_on_behalf(world):
    _, application, meeting = world
    member = UserFactory(roles=[Role.STEERING])
    decision = record_decision(application, meeting, member, outcome="certify")
    assert decision.on_behalf is False


def test_record_decision_other_level_without_reason_is_refused(world):
    _, application, meeting = world
    message = refused("reason_required", record_decision, application, meeting, None,
                      outcome="certify", level="excellence")
    assert "เหตุผล" in message
    assert not Decision.objects.exists()


def test_record_decision_other_level_with_reason_is_kept(world):
    _, application, meeting = world
    decision = record_decision(application, meeting, None, outcome="certify",
                               level="basic", reason="ข้อร้องเรียนจากประชาชนยังไม่ได้แก้ไข")
    assert (decision.level, decision.reason) == ("basic", "ข้อร้องเรียนจากประชาชนยังไม่ได้แก้ไข")


def test_record_decision_level_not_in_the_edition_is_refused(world):
    _, application, meeting = world
    message = refused("unknown_level", record_decision, application, meeting, None,
                      outcome="certify", level="platinum", reason="x")
    assert "platinum" in message and "ไม่ใช่ระดับ" in message
    assert not Decision.objects.exists()


def test_record_decision_not_certify_needs_a_reason_when_a_level_was_proposed(world):
    _, application, meeting = world
    refused("reason_required", record_decision, application, meeting, None,
            outcome="not_certify")
    decision = record_decision(application, meeting, None, outcome="not_certify",
                               reason="ไม่ผ่านข้อบังคับ")
    assert (decision.outcome, decision.level) == ("not_certify", "")


def test_record_decision_not_certify_without_reason_when_no_level_was_proposed(world):
    round_obj, _, meeting = world
    application = locked_application(round_obj, NO_LEVEL)
    decision = record_decision(application, meeting, None, outcome="not_certify")
    assert decision.reason == ""


def test_record_decision_defer_needs_a_reason(world):
    _, application, meeting = world
    refused("reason_required", record_decision, application, meeting, None, outcome="defer")
    assert not Decision.objects.exists()


def test_record_decision_without_a_locked_result_is_refused(world):
    round_obj, _, meeting = world
    application = locked_application(round_obj)
    type(application.team_sheet).objects.filter(pk=application.team_sheet.pk).update(
        state="open")
    message = refused("no_proposed_result", record_decision, application, meeting, None,
                      outcome="certify")
    assert "ล็อก" in message
    assert not Decision.objects.exists()


def test_record_decision_on_another_rounds_application_is_refused(world):
    _, _, meeting = world
    other = decision_round().first_application
    refused("other_round", record_decision, other, meeting, None, outcome="certify")
    assert not Decision.objects.exists()


def test_record_decision_at_a_closed_meeting_is_refused(world):
    _, application, meeting = world
    meeting.__class__.objects.filter(pk=meeting.pk).update(state=MeetingState.CLOSED,
                                                           closed_at=timezone.now())
    message = refused("closed", record_decision, application, meeting, None,
                      outcome="certify")
    assert "ปิด" in message
    assert not Decision.objects.exists()


def test_record_decision_outside_the_decision_phase_is_refused(world):
    round_obj, application, meeting = world
    Round.objects.filter(pk=round_obj.pk).update(phase=RoundPhase.SITE_VISITS)
    refused("wrong_phase", record_decision, application, meeting, None, outcome="certify")


def test_record_decision_twice_at_the_same_meeting_replaces_it(world):
    _, application, meeting = world
    first = record_decision(application, meeting, None, outcome="certify")
    second = record_decision(application, meeting, None, outcome="defer", reason="รอข้อมูล")
    assert first.pk == second.pk
    assert Decision.objects.get().outcome == "defer"
    entry = AuditEntry.objects.filter(action="decision.recorded").order_by("pk").last()
    assert entry.data["before"] == {"outcome": "certify", "level": "advanced", "reason": ""}


def test_record_decision_on_a_final_decision_is_refused(world):
    round_obj, application, _ = world
    decided(application)
    later = open_meeting(round_obj)
    refused("final", record_decision, application, later, None, outcome="not_certify",
            reason="x")


def test_record_decision_takes_up_a_deferral_at_a_later_meeting(world):
    round_obj, application, _ = world
    deferral = decided(application, outcome="defer", reason="รอเอกสาร")
    assert application in decidable_applications(round_obj)
    later = open_meeting(round_obj)
    decision = record_decision(application, later, None, outcome="certify")
    assert decision.pk == deferral.pk
    assert (decision.meeting_id, decision.outcome, decision.revision) == (later.pk,
                                                                           "certify", 2)


def test_decidable_applications_leave_out_final_decisions(world):
    round_obj, application, meeting = world
    other = locked_application(round_obj)
    decided(other)
    record_decision(application, meeting, None, outcome="certify")
    assert list(decidable_applications(round_obj)) == [application]


def test_approve_as_proposed_with_exceptions(world):
    round_obj, application, meeting = world
    top = locked_application(round_obj, TOP)
    none = locked_application(round_obj, NO_LEVEL)
    left_out = locked_application(round_obj)
    decisions = approve_as_proposed(meeting, None, exceptions=[left_out.pk])
    got = {d.application_id: (d.outcome, d.level) for d in decisions}
    assert got == {application.pk: ("certify", "advanced"),
                   top.pk: ("certify", "excellence"), none.pk: ("not_certify", "")}
    assert not Decision.objects.filter(application=left_out).exists()
    assert AuditEntry.objects.filter(action="decision.recorded").count() == 3


def test_approve_as_proposed_keeps_decisions_already_recorded(world):
    round_obj, application, meeting = world
    record_decision(application, meeting, None, outcome="defer", reason="รอ")
    other = locked_application(round_obj)
    decisions = approve_as_proposed(meeting, None)
    assert [d.application_id for d in decisions] == [other.pk]
    assert Decision.objects.get(application=application).outcome == "defer"


def test_correct_decision_changes_level_audited_and_told(world, events):
    round_obj, application, _ = world
    decision = decided(application)
    corrected = correct_decision(decision, round_obj.secretariat, outcome="certify",
                                 level="basic", reason="บันทึกระดับผิด")
    assert (corrected.level, corrected.revision, corrected.change) == (
        "basic", 2, DecisionChange.CORRECTION)
    entry = AuditEntry.objects.get(action="decision.corrected")
    assert entry.data["before"]["level"] == "advanced"
    assert entry.data["after"]["level"] == "basic"
    assert events == [(decision.pk, hooks.CHANGED, "certify", "basic")]
    from gecc.notifications.models import OutboxMessage

    assert OutboxMessage.objects.filter(event="decisions.corrected").count() == 1


def test_correct_decision_without_reason_is_refused(world, events):
    _, application, _ = world
    decision = decided(application)
    refused("reason_required", correct_decision, decision, None, outcome="not_certify",
            reason=" ")
    decision.refresh_from_db()
    assert (decision.outcome, decision.revision) == ("certify", 1)
    assert events == []


def test_correct_decision_of_an_open_meeting_is_refused(world):
    _, application, _ = world
    decision = decided(application, closed=False)
    refused("not_final", correct_decision, decision, None, outcome="not_certify",
            reason="x")


def test_correct_decision_unchanged_is_refused(world):
    _, application, _ = world
    decision = decided(application)
    refused("unchanged", correct_decision, decision, None, outcome="certify",
            level="advanced", reason="x")


def test_change_decision_on_appeal(world, events):
    round_obj, application, _ = world
    decision = decided(application, outcome="not_certify", reason="ไม่ผ่าน")
    appeal = Appeal.objects.create(decision=decision, application=application, reasons="r",
                                   filed_by=round_obj.secretariat, filed_at=timezone.now(),
                                   deadline=timezone.now())
    changed = change_decision_on_appeal(decision, None, appeal=appeal, outcome="certify",
                                        level="basic", reason="อุทธรณ์ฟังขึ้น")
    assert (changed.outcome, changed.level, changed.change, changed.revision) == (
        "certify", "basic", DecisionChange.APPEAL, 2)
    entry = AuditEntry.objects.get(action="decision.changed_on_appeal")
    assert entry.data["appeal"] == appeal.pk
    assert entry.data["before"] == {"outcome": "not_certify", "level": "", "reason": "ไม่ผ่าน",
                                    "change": "meeting", "revision": 1}
    assert events == [(decision.pk, hooks.CHANGED, "certify", "basic")]


def test_change_decision_on_appeal_of_another_decision_is_refused(world):
    round_obj, application, _ = world
    decision = decided(application)
    other = decided(locked_application(round_obj))
    appeal = Appeal.objects.create(decision=other, application=other.application,
                                   reasons="r", filed_by=round_obj.secretariat,
                                   filed_at=timezone.now(), deadline=timezone.now())
    refused("appeal_mismatch", change_decision_on_appeal, decision, None, appeal=appeal,
            outcome="not_certify", reason="x")


def test_appeal_deadline_is_the_end_of_the_day_30_days_after_closing(world, settings):
    _, application, _ = world
    settings.APPEAL_PERIOD_DAYS = 30
    closed_at = datetime.datetime(2026, 8, 5, 15, 0, tzinfo=datetime.UTC)
    decision = decided(application, closed_at=closed_at)
    deadline = appeal_deadline(decision)
    local = timezone.localtime(deadline)
    assert (local.date(), local.hour, local.minute) == (datetime.date(2026, 9, 4), 23, 59)


def test_appeal_deadline_is_none_while_the_meeting_is_open(world):
    _, application, _ = world
    assert appeal_deadline(decided(application, closed=False)) is None
