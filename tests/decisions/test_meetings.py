"""Steering-committee meetings: creating, editing and closing them (the decisions become
final, the certificates hook is called, the feedback is released, the units are told), the
round's phase check, and the staff pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.accounts.enums import Role
from gecc.audit.models import AuditEntry
from gecc.decisions.domain import hooks
from gecc.decisions.domain.decisions import record_decision
from gecc.decisions.domain.meetings import (
    close_meeting,
    create_meeting,
    decisions_settled,
    update_meeting,
)
from gecc.decisions.enums import MeetingState
from gecc.decisions.models import Decision, Meeting
from gecc.notifications.models import OutboxMessage
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from gecc.scoring.models import TeamSheet
from tests.conftest import sign_in
from tests.decisions.builders import (
    NO_LEVEL,
    decided,
    decision_round,
    locked_application,
    open_meeting,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 8, 5)


@pytest.fixture
def events(monkeypatch):
    calls = []
    monkeypatch.setattr(hooks, "_listeners", [
        lambda decision, actor, *, event, request=None: calls.append((decision.pk, event))])
    return calls


@pytest.fixture
def round_obj():
    return decision_round()


# -- domain ----------------------------------------------------------------------------------

def test_create_meeting_numbers_meetings_in_turn(round_obj):
    first = create_meeting(round_obj, round_obj.secretariat, held_on=DAY,
                           attendees="นายก ประธาน\nนางข กรรมการ")
    second = create_meeting(round_obj, round_obj.secretariat, held_on=DAY)
    assert (first.number, second.number) == (1, 2)
    assert AuditEntry.objects.filter(action="meeting.created").count() == 2


def test_create_meeting_with_a_taken_number_is_refused(round_obj):
    create_meeting(round_obj, None, held_on=DAY, number=3)
    with pytest.raises(ValidationError) as info:
        create_meeting(round_obj, None, held_on=DAY, number=3)
    assert info.value.code == "number_taken"
    assert "มีการประชุมครั้งที่ 3/" in info.value.messages[0]
    assert Meeting.objects.count() == 1


def test_create_meeting_outside_the_decision_phase_is_refused(round_obj):
    Round.objects.filter(pk=round_obj.pk).update(phase=RoundPhase.SITE_VISITS)
    with pytest.raises(ValidationError) as info:
        create_meeting(round_obj, None, held_on=DAY)
    assert info.value.code == "wrong_phase"
    assert not Meeting.objects.exists()


def test_update_meeting_audits_the_changed_fields(round_obj):
    meeting = open_meeting(round_obj)
    update_meeting(meeting, None, held_on=DAY, attendees="", resolution="รับรองตามที่เสนอ")
    entry = AuditEntry.objects.get(action="meeting.updated")
    assert entry.data == {"before": {"resolution": ""},
                          "after": {"resolution": "รับรองตามที่เสนอ"}}


def test_update_meeting_closed_is_refused(round_obj):
    meeting = decided(round_obj.first_application).meeting
    with pytest.raises(ValidationError) as info:
        update_meeting(meeting, None, held_on=DAY, attendees="x", resolution="y")
    assert info.value.code == "closed"


def test_close_meeting_without_decisions_is_refused(round_obj):
    meeting = open_meeting(round_obj)
    with pytest.raises(ValidationError) as info:
        close_meeting(meeting, None)
    assert info.value.code == "no_decision"
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.OPEN


def test_close_meeting_makes_decisions_final_releases_feedback_and_tells_units(
        round_obj, events):
    meeting = open_meeting(round_obj)
    certify = record_decision(round_obj.first_application, meeting, None, outcome="certify")
    deferred_app = locked_application(round_obj)
    defer = record_decision(deferred_app, meeting, None, outcome="defer", reason="รอเอกสาร")
    none_app = locked_application(round_obj, NO_LEVEL)
    not_certify = record_decision(none_app, meeting, None, outcome="not_certify")
    close_meeting(meeting, round_obj.secretariat)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED and meeting.closed_by == round_obj.secretariat
    assert sorted(events) == sorted([(certify.pk, "final"), (defer.pk, "final"),
                                     (not_certify.pk, "final")])
    released = dict(TeamSheet.objects.values_list("application_id", "feedback_released_at"))
    assert released[certify.application_id] is not None
    assert released[none_app.pk] is not None
    assert released[deferred_app.pk] is None
    assert OutboxMessage.objects.filter(event="decisions.decided").count() == 3
    assert OutboxMessage.objects.filter(event="scoring.feedback_released").count() == 2
    certified = OutboxMessage.objects.get(event="decisions.decided",
                                          to=[round_obj.first_application.unit.coordinators
                                              .get().email])
    assert "ก้าวหน้า" in certified.body_text and "อุทธรณ์ได้ภายใน" in certified.body_text
    entry = AuditEntry.objects.get(action="meeting.closed")
    assert (entry.data["decisions"], entry.data["certify"], entry.data["defer"]) == (3, 1, 1)


def test_close_meeting_a_listener_refusal_undoes_everything(round_obj, monkeypatch):
    def refuse(decision, actor, *, event, request=None):
        raise ValidationError("ไม่ได้", code="refused")

    monkeypatch.setattr(hooks, "_listeners", [refuse])
    meeting = open_meeting(round_obj)
    record_decision(round_obj.first_application, meeting, None, outcome="certify")
    with pytest.raises(ValidationError):
        close_meeting(meeting, None)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.OPEN
    assert not AuditEntry.objects.filter(action="meeting.closed").exists()


def test_phase_check_holds_the_round_until_everything_is_decided(round_obj):
    meeting = open_meeting(round_obj)
    reasons = decisions_settled(round_obj, RoundPhase.ANNOUNCED)
    assert len(reasons) == 2  # an open meeting, an undecided application
    assert "ยังไม่ปิด" in reasons[0] and "ครั้งที่ 1/" in reasons[0]
    assert "ศูนย์ราชการสะดวก อำเภอบ้านโฮ่ง" in reasons[1]
    decided(round_obj.first_application, outcome="defer", reason="รอ", meeting=meeting)
    reasons = decisions_settled(round_obj, RoundPhase.ANNOUNCED)
    assert len(reasons) == 1 and "ชะลอ" in reasons[0]
    assert decisions_settled(round_obj, RoundPhase.CLOSED) == []


def test_phase_check_lets_a_decided_round_be_announced(round_obj):
    decided(round_obj.first_application)
    assert decisions_settled(round_obj, RoundPhase.ANNOUNCED) == []


# -- pages -----------------------------------------------------------------------------------

@pytest.fixture
def secretariat_client(client, round_obj):
    sign_in(client, round_obj.secretariat)
    return client


def test_meeting_list_queries_do_not_grow_with_rows(secretariat_client, round_obj):
    url = reverse("decisions:meeting.list", args=[round_obj.pk])
    open_meeting(round_obj)
    with CaptureQueriesContext(connection) as one:
        assert secretariat_client.get(url).status_code == 200
    open_meeting(round_obj)
    open_meeting(round_obj)
    with CaptureQueriesContext(connection) as three:
        response = secretariat_client.get(url)
    assert response.content.decode().count('data-testid="meeting-row"') == 3
    assert len(three) == len(one)


def test_meeting_detail_queries_do_not_grow_with_rows(secretariat_client, round_obj):
    meeting = open_meeting(round_obj)
    url = reverse("decisions:meeting.detail", args=[meeting.pk])
    with CaptureQueriesContext(connection) as one:
        assert secretariat_client.get(url).status_code == 200
    record_decision(locked_application(round_obj), meeting, None, outcome="certify")
    locked_application(round_obj)
    with CaptureQueriesContext(connection) as three:
        response = secretariat_client.get(url)
    assert response.content.decode().count('data-testid="decide-row"') == 3
    assert len(three) == len(one)


def test_meeting_detail_shows_the_number_and_proposed_result(secretariat_client, round_obj):
    meeting = open_meeting(round_obj)
    page = secretariat_client.get(reverse("decisions:meeting.detail",
                                          args=[meeting.pk])).content.decode()
    assert f"ครั้งที่ 1/{round_obj.year}" in page
    assert "ศูนย์ราชการสะดวก อำเภอบ้านโฮ่ง" in page and "ก้าวหน้า" in page and "75.00" in page


def test_meeting_create_page_keeps_what_was_typed_on_error(secretariat_client, round_obj):
    url = reverse("decisions:meeting.create", args=[round_obj.pk])
    response = secretariat_client.post(url, {"held_on": "", "attendees": "นายก ประธาน"})
    assert response.status_code == 400
    assert "นายก ประธาน" in response.content.decode()
    assert not Meeting.objects.exists()
    response = secretariat_client.post(url, {"held_on": "05/08/2569",
                                             "attendees": "นายก ประธาน"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.held_on == datetime.date(2026, 8, 5)


def test_decision_record_page_refuses_other_level_without_reason(secretariat_client,
                                                                 round_obj):
    meeting = open_meeting(round_obj)
    url = reverse("decisions:decision.record",
                  args=[meeting.pk, round_obj.first_application.pk])
    response = secretariat_client.post(url, {"outcome": "certify", "level": "excellence"})
    assert response.status_code == 400
    assert "ระบุเหตุผลที่รับรองในระดับที่ต่างจากระดับที่เสนอ" in response.content.decode()
    assert not Decision.objects.exists()
    response = secretariat_client.post(url, {"outcome": "certify", "level": "advanced"})
    assert response.status_code == 302
    assert Decision.objects.get().on_behalf is True


def test_steering_member_records_but_cannot_close(client, round_obj):
    member = UserFactory(roles=[Role.STEERING])
    sign_in(client, member)
    meeting = open_meeting(round_obj)
    url = reverse("decisions:decision.record",
                  args=[meeting.pk, round_obj.first_application.pk])
    assert client.post(url, {"outcome": "certify", "level": ""}).status_code == 302
    assert Decision.objects.get().on_behalf is False
    assert client.post(reverse("decisions:meeting.close", args=[meeting.pk])).status_code \
        == 403


def test_approve_as_proposed_pages_confirm_then_record(secretariat_client, round_obj):
    meeting = open_meeting(round_obj)
    other = locked_application(round_obj)
    url = reverse("decisions:meeting.approve", args=[meeting.pk])
    response = secretariat_client.post(url, {"step": "review", "exception": [other.pk]})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="approve-exceptions"' in page
    assert not Decision.objects.exists()
    response = secretariat_client.post(url, {
        "step": "confirm", "exception": [other.pk],
        "application": [round_obj.first_application.pk]})
    assert response.status_code == 302
    assert list(Decision.objects.values_list("application_id", "level")) == [
        (round_obj.first_application.pk, "advanced")]


def test_approve_as_proposed_refuses_a_changed_list(secretariat_client, round_obj):
    meeting = open_meeting(round_obj)
    locked_application(round_obj)
    response = secretariat_client.post(
        reverse("decisions:meeting.approve", args=[meeting.pk]),
        {"step": "confirm", "application": [round_obj.first_application.pk]})
    assert response.status_code == 409
    assert not Decision.objects.exists()


def test_close_page_lists_consequences_then_closes(secretariat_client, round_obj):
    meeting = open_meeting(round_obj)
    record_decision(round_obj.first_application, meeting, None, outcome="certify")
    url = reverse("decisions:meeting.close", args=[meeting.pk])
    page = secretariat_client.get(url).content.decode()
    assert "จะออกใบรับรอง 1 ฉบับ" in page
    assert secretariat_client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_closed


def test_correct_page_confirms_before_changing(secretariat_client, round_obj):
    decision = decided(round_obj.first_application)
    url = reverse("decisions:decision.correct", args=[decision.pk])
    data = {"outcome": "certify", "level": "basic", "reason": "บันทึกผิด"}
    response = secretariat_client.post(url, data)
    assert 'data-testid="correct-confirm-form"' in response.content.decode()
    decision.refresh_from_db()
    assert decision.level == "advanced"
    assert secretariat_client.post(url, {**data, "confirm": "1"}).status_code == 302
    decision.refresh_from_db()
    assert (decision.level, decision.revision) == ("basic", 2)
    page = secretariat_client.get(decision.get_absolute_url()).content.decode()
    assert "แก้ไขมติที่เป็นที่สุดแล้ว" in page  # the audit history
