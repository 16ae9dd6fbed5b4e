"""Members' own score sheets: who scores, the items, submitting, reopening, independence."""

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gecc.audit.models import AuditEntry
from gecc.notifications.models import OutboxMessage
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from gecc.scoring.domain.sheets import (
    SCORING_POSITIONS,
    applicable_items,
    compiled_edition,
    missing_items,
    reopen_sheet,
    scoring_refusal,
    scoring_refusals,
    sheet_for,
    sheet_snapshot,
    submit_sheet,
    visible_sheets,
)
from gecc.scoring.domain.sync import apply_batch, parse_batch
from gecc.scoring.enums import SheetState
from gecc.scoring.models import ScoreSheet
from tests.conftest import sign_in
from tests.scoring.factories_sheets import (
    add_application,
    batch,
    conflict,
    score,
    scoring_world,
)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return scoring_world()


def score_all(world, user, value=2, application=None):
    application = application or world.application
    apply_batch(user, parse_batch(json.dumps(batch(*(
        score(application, node, 1 if node.scale == "yn" else value) for node in world.items)))))
    return sheet_for(user, application)


# -- who scores --------------------------------------------------------------------------------

def test_the_scoring_positions_are_chair_qualified_and_secretary():
    from gecc.committees.enums import Position

    assert {Position.CHAIR, Position.QUALIFIED, Position.SECRETARY} == SCORING_POSITIONS


def test_every_scoring_member_may_score(world):
    assert [scoring_refusal(user, world.application) for user in world.members] == [None] * 3


@pytest.mark.parametrize(("who", "code", "message"), [
    ("assistant", "not_scoring_position", "ผู้ช่วยเลขานุการไม่ได้เป็นผู้ให้คะแนน"),
    ("secretariat", "not_member", "เฉพาะอนุกรรมการตรวจประเมินเท่านั้นที่ให้คะแนนใบสมัครได้"),
    ("coordinator", "not_member", "เฉพาะอนุกรรมการตรวจประเมินเท่านั้นที่ให้คะแนนใบสมัครได้"),
])
def test_who_does_not_score(world, who, code, message):
    user = getattr(world, who)
    assert scoring_refusal(user, world.application) == message
    with pytest.raises(ValidationError) as error:
        sheet_for(user, world.application)
    assert error.value.code == code
    assert not ScoreSheet.objects.exists()


def test_a_member_of_another_team_does_not_score(world):
    other = scoring_world(world.round, secretariat=world.secretariat)
    assert scoring_refusal(other.chair, world.application) == \
        "ใบสมัครนี้ไม่ได้มอบหมายให้คณะอนุกรรมการของท่าน"


def test_a_conflict_of_interest_stops_scoring(world):
    conflict(world, world.chair)
    assert scoring_refusal(world.chair, world.application) == \
        "ท่านมีส่วนได้เสียกับหน่วยบริการนี้ จึงให้คะแนนไม่ได้"


def test_only_during_the_site_visits(world):
    Round.objects.filter(pk=world.round.pk).update(phase=RoundPhase.DECISION)
    world.application.round.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        sheet_for(world.chair, world.application)
    assert error.value.code == "not_in_site_visits"


def test_only_accepted_applications(world):
    type(world.application).objects.filter(pk=world.application.pk).update(state="withdrawn")
    assert scoring_refusals(world.chair, [world.application.pk])[1] == {
        world.application.pk: "not_accepted"}


def test_refusals_for_many_applications_take_a_constant_number_of_queries(world):
    ids = [world.application.pk, add_application(world).pk]
    with CaptureQueriesContext(connection) as two:
        scoring_refusals(world.chair, ids[:1])
    ids += [add_application(world).pk for _ in range(3)]
    world.chair._roles_cache = None
    with CaptureQueriesContext(connection) as five:
        allowed, refused = scoring_refusals(world.chair, ids)
    assert len(allowed) == 5 and refused == {}
    assert len(five.captured_queries) == len(two.captured_queries)


def test_sheet_for_makes_one_sheet_per_member_and_application(world):
    sheet = sheet_for(world.chair, world.application)
    assert sheet_for(world.chair, world.application) == sheet
    assert (sheet.subcommittee, sheet.state) == (world.team, SheetState.DRAFT)


# -- the items ---------------------------------------------------------------------------------

def test_applicable_items_are_the_unit_types_items_in_document_order(world):
    assert [item.ref for item in applicable_items(world.application)] == \
        ["P1.1", "P1.2", "Q1.1"]


def test_the_compiled_edition_matches_the_items_and_is_cached(world):
    compiled = compiled_edition(world.application)
    assert compiled.refs == ["P1.1", "P1.2", "Q1.1"]
    with CaptureQueriesContext(connection) as queries:
        assert compiled_edition(world.application) is compiled
    assert len(queries.captured_queries) == 0


def test_missing_items_are_those_neither_scored_nor_na(world):
    apply_batch(world.chair, parse_batch(json.dumps(batch(
        score(world.application, "P1.2", None, not_applicable=True)))))
    sheet = sheet_for(world.chair, world.application)
    assert [item.ref for item in missing_items(sheet)] == ["P1.1", "Q1.1"]


# -- submitting --------------------------------------------------------------------------------

def test_submit_refuses_an_incomplete_sheet_with_the_items_left(world):
    sheet = sheet_for(world.chair, world.application)
    with pytest.raises(ValidationError) as error:
        submit_sheet(sheet, world.chair)
    assert error.value.missing == ["P1.1", "P1.2", "Q1.1"]
    assert error.value.messages == [
        "โปรดให้คะแนนทุกข้อ (หรือระบุว่าไม่เกี่ยวข้องในข้อที่เกณฑ์อนุญาต) ก่อนส่ง "
        "ข้อที่ยังเหลือ: P1.1, P1.2, Q1.1"]
    sheet.refresh_from_db()
    assert sheet.state == SheetState.DRAFT


def test_submit_locks_the_sheet_and_is_audited(world):
    sheet = score_all(world, world.chair)
    submit_sheet(sheet, world.chair)
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED and sheet.submitted_at is not None
    entry = AuditEntry.objects.get(action="scoring.sheet_submitted")
    assert (entry.actor, entry.data["before"], entry.data["after"], entry.data["items"]) == (
        world.chair, {"state": "draft"}, {"state": "submitted"}, 3)
    with pytest.raises(ValidationError) as error:
        submit_sheet(sheet, world.chair)
    assert error.value.code == "sheet_submitted"


def test_only_the_member_submits_their_sheet(world):
    sheet = score_all(world, world.chair)
    with pytest.raises(ValidationError) as error:
        submit_sheet(sheet, world.secretary)
    assert error.value.code == "not_owner"


# -- the submit endpoint -----------------------------------------------------------------------

def test_submit_endpoint_answers_409_with_the_missing_refs_then_200(world, client):
    sign_in(client, world.chair)
    url = f"/field/api/applications/{world.application.pk}/submit/"
    response = client.post(url)
    assert response.status_code == 409
    assert response.json()["missing"] == ["P1.1", "P1.2", "Q1.1"]
    score_all(world, world.chair)
    response = client.post(url)
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["application"]) == ("submitted", world.application.pk)
    assert set(body["sheet"]["items"]) == {"P1.1", "P1.2", "Q1.1"}


def test_submit_endpoint_hides_an_application_out_of_scope(world, client):
    other = scoring_world(world.round, secretariat=world.secretariat)
    sign_in(client, world.chair)
    response = client.post(f"/field/api/applications/{other.application.pk}/submit/")
    assert response.status_code == 404
    assert response.json() == {"error": "ไม่พบข้อมูล"}


def test_submit_endpoint_refuses_an_assistant_secretary_with_409(world, client):
    sign_in(client, world.assistant)
    response = client.post(f"/field/api/applications/{world.application.pk}/submit/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_scoring_position"


# -- reopening ---------------------------------------------------------------------------------

@pytest.fixture
def submitted(world):
    sheet = score_all(world, world.qualified[0])
    return submit_sheet(sheet, world.qualified[0])


@pytest.mark.parametrize("who", ["chair", "secretariat"])
def test_the_chair_or_the_secretariat_reopens_with_a_reason(world, submitted, who,
                                                           django_capture_on_commit_callbacks):
    actor = getattr(world, who)
    with django_capture_on_commit_callbacks(execute=True):
        reopen_sheet(submitted, actor, "  ให้คะแนนข้อ P1.1 ผิดช่อง  ")
    submitted.refresh_from_db()
    assert (submitted.state, submitted.reopened_by, submitted.reopen_reason) == (
        SheetState.DRAFT, actor, "ให้คะแนนข้อ P1.1 ผิดช่อง")
    entry = AuditEntry.objects.get(action="scoring.sheet_reopened")
    assert entry.data["reason"] == "ให้คะแนนข้อ P1.1 ผิดช่อง"
    message = OutboxMessage.objects.get(event="scoring.sheet_reopened")
    assert message.to == [world.qualified[0].email]
    assert "ให้คะแนนข้อ P1.1 ผิดช่อง" in message.body_text
    assert "http://testserver/field/" in message.body_text
    assert "แบบให้คะแนนของท่านถูกเปิดให้แก้ไข" in message.subject
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("who", "reason", "code"), [
    ("secretary", "แก้ไข", "not_allowed"),
    ("qualified_member", "แก้ไข", "not_allowed"),
    ("chair", "   ", "reason_required"),
])
def test_reopening_is_refused(world, submitted, who, reason, code):
    actor = world.qualified[0] if who == "qualified_member" else getattr(world, who)
    with pytest.raises(ValidationError) as error:
        reopen_sheet(submitted, actor, reason)
    assert error.value.code == code
    submitted.refresh_from_db()
    assert submitted.state == SheetState.SUBMITTED
    assert not AuditEntry.objects.filter(action="scoring.sheet_reopened").exists()


def test_a_draft_cannot_be_reopened(world):
    sheet = sheet_for(world.chair, world.application)
    with pytest.raises(ValidationError) as error:
        reopen_sheet(sheet, world.secretariat, "เหตุผล")
    assert error.value.code == "not_submitted"


def test_a_reopened_sheet_takes_scores_again(world, submitted):
    reopen_sheet(submitted, world.chair, "แก้ไข")
    body = apply_batch(world.qualified[0], parse_batch(json.dumps(batch(
        score(world.application, "P1.1", 4, minute=60))))).response
    assert body["results"][0]["outcome"] == "applied"


# -- independence ------------------------------------------------------------------------------

def visible(user, world):
    return sorted(sheet.assessor.pk for sheet in visible_sheets(user, world.application))


def test_co_members_sheets_are_shown_only_after_submitting_ones_own(world):
    chair, member, secretary = world.members
    for user in world.members:
        sheet_for(user, world.application)
    assert visible(member, world) == [member.pk]
    score_all(world, chair)
    submit_sheet(sheet_for(chair, world.application), chair)
    assert visible(member, world) == [member.pk]  # the chair submitting changes nothing
    assert visible(chair, world) == sorted(u.pk for u in world.members)
    score_all(world, member)
    submit_sheet(sheet_for(member, world.application), member)
    assert visible(member, world) == sorted(u.pk for u in world.members)
    reopen_sheet(sheet_for(member, world.application), chair, "แก้ไข")
    assert visible(member, world) == [member.pk]


def test_the_secretariat_sees_every_sheet_others_none(world):
    for user in world.members:
        sheet_for(user, world.application)
    assert len(visible(world.secretariat, world)) == 3
    assert visible(world.coordinator, world) == []
    other = scoring_world(world.round, secretariat=world.secretariat)
    assert visible(other.chair, world) == []


def test_a_conflict_after_submitting_hides_the_co_members_sheets(world):
    chair, member, _ = world.members
    for user in world.members:
        sheet_for(user, world.application)
    score_all(world, member)
    submit_sheet(sheet_for(member, world.application), member)
    conflict(world, member)
    assert visible(member, world) == [member.pk]


# -- snapshot ----------------------------------------------------------------------------------

def test_the_snapshot_lists_current_values_and_history_counts(world):
    apply_batch(world.chair, parse_batch(json.dumps(batch(
        score(world.application, "P1.1", 1, minute=1, note="ก่อน"),
        score(world.application, "P1.1", 3, minute=2, note="หลัง")))))
    snapshot = sheet_snapshot(sheet_for(world.chair, world.application))
    assert snapshot == {"state": "draft", "items": {"P1.1": {
        "value": 3.0, "not_applicable": False, "note": "หลัง",
        "client_time": "2026-06-15T02:02:00+00:00", "photos": [], "history": 1}}}
