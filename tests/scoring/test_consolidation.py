"""Team consolidation (issue 12, point 4): the members' scores side by side, the consensus
and the reason rule, the prefill with the median, locking with the proposed result,
recomputing, unlocking, reopening a member's sheet, and the whole round at once.

The world (``tests/scoring/factories_sheets.py``): items P1.1 (scale 0–4, weight 2,
mandatory, met at 2), P1.2 (yes/no 0–1, N/A allowed), Q1.1 (scale 0–4, weight 1); scoring
members chair, qualified, secretary (in that order); the assistant secretary does not score.
"""

import math

import pytest
from django.core.exceptions import ValidationError

from gecc.audit.models import AuditEntry
from gecc.criteria.domain.scoring import ScoringError
from gecc.scoring.domain import consolidation as c
from gecc.scoring.domain.results import compare_stored, proposed_result
from gecc.scoring.enums import SheetState, TeamSheetState
from gecc.scoring.models import ConsensusScore, TeamSheet
from tests.scoring.factories_sheets import add_application, conflict, scoring_world
from tests.scoring.factories_team import NA, sheet, team_scores

pytestmark = pytest.mark.django_db

SPREAD = {"P1.1": [1, 2, 4], "P1.2": [NA, NA, NA], "Q1.1": [2, 3, NA]}


@pytest.fixture
def world():
    return scoring_world()


def items(world):
    return {item.ref: item for item in world.items}


def consensus(world, ref, value=None, *, na=False, reason="", actor=None, team_sheet=None):
    team_sheet = team_sheet or TeamSheet.objects.get(application=world.application)
    return c.record_consensus(team_sheet, items(world)[ref], value=value, not_applicable=na,
                              reason=reason, actor=actor or world.chair)


def errors(exc):
    return {name: [str(m) for e in errs for m in e.messages]
            for name, errs in exc.value.error_dict.items()}


# -- the table ---------------------------------------------------------------------------------

def test_the_table_shows_median_spread_population_deviation_notes_and_flags(world):
    team_scores(world, {"P1.1": [1, (2, "ลานจอดเล็ก"), 4], "P1.2": [NA, NA, NA],
                        "Q1.1": [2, 3, NA]})
    table = c.item_table(c.team_sheet_for(world.application))
    p11, p12, q11 = table.rows
    assert [row.item.ref for row in table.rows] == ["P1.1", "P1.2", "Q1.1"]
    assert [cell.value for cell in p11.cells] == [1, 2, 4]
    assert (p11.median, p11.spread, p11.notes) == (2, 3, 1)
    assert p11.stdev == pytest.approx(math.sqrt(42 / 27))  # population: divided by n = 3
    assert p11.flagged is True  # spread 3 > the default threshold 2
    assert (p12.median, p12.all_na, p12.spread, p12.stdev, p12.flagged) == (
        None, True, None, None, False)
    assert (q11.median, q11.spread, q11.stdev, q11.flagged) == (2.5, 1, 0.5, False)
    assert q11.median_is_point is False
    assert table.flagged_count == 1 and table.all_submitted is True


def test_the_threshold_of_the_team_sheet_replaces_the_default(world, settings):
    settings.SCORING_SPREAD_THRESHOLD = 5
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    assert c.item_table(team_sheet).flagged_count == 0
    team_sheet = c.set_spread_threshold(team_sheet, 0.5, world.chair)
    flagged = [row.item.ref for row in c.item_table(team_sheet).rows if row.flagged]
    assert flagged == ["P1.1", "Q1.1"]
    entry = AuditEntry.objects.get(action="scoring.threshold_changed")
    assert entry.data == {"before": {"spread_threshold": None},
                          "after": {"spread_threshold": 0.5}}
    with pytest.raises(ValidationError) as exc:
        c.set_spread_threshold(team_sheet, -1, world.chair)
    assert errors(exc) == {"threshold": ["ให้ระบุตัวเลขตั้งแต่ 0 ถึง 100"]}


def test_a_draft_sheet_shows_nothing_and_counts_for_nothing(world):
    """Independence: a sheet still being scored may change, and nobody sees it."""
    chair, qualified, secretary = world.members
    sheet(world, chair, {"P1.1": 1, "P1.2": 1, "Q1.1": 1})
    sheet(world, qualified, {"P1.1": 4, "P1.2": 1, "Q1.1": 4}, submitted=False)
    table = c.item_table(c.team_sheet_for(world.application))
    p11 = table.rows[0]
    assert [(cell.shown, cell.value) for cell in p11.cells] == [(True, 1), (False, None),
                                                                (False, None)]
    assert (p11.median, p11.spread) == (1, 0)
    assert table.submitted_count == 1 and table.all_submitted is False


def test_a_member_with_a_conflict_in_force_does_not_score(world):
    conflict(world, world.qualified[0])
    members = c.scoring_members(world.application)
    assert [m.user for m in members] == [world.chair, world.secretary]


# -- prefill -----------------------------------------------------------------------------------

def test_the_median_is_prefilled_once_every_member_submitted(world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    rows = {row.item.ref: (row.value, row.not_applicable, row.median) for row in
            ConsensusScore.objects.filter(team_sheet=team_sheet).select_related("item")}
    # P1.2: every answer N/A → N/A; Q1.1: a median of 2.5 is no point of the scale → empty.
    assert rows == {"P1.1": (2, False, 2), "P1.2": (None, True, None),
                    "Q1.1": (None, False, 2.5)}
    assert AuditEntry.objects.get(action="scoring.consensus_prefilled").data["count"] == 3


def test_nothing_is_prefilled_while_a_member_has_not_submitted(world):
    chair, qualified, secretary = world.members
    sheet(world, chair, {"P1.1": 2, "P1.2": 1, "Q1.1": 2})
    sheet(world, qualified, {"P1.1": 2, "P1.2": 1, "Q1.1": 2})
    team_sheet = c.team_sheet_for(world.application)
    assert not ConsensusScore.objects.filter(team_sheet=team_sheet).exists()


def test_a_prefilled_value_follows_the_median_but_a_recorded_one_stays(world):
    sheets = team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    consensus(world, "Q1.1", 3, reason="ช่องทางออนไลน์ใช้งานได้จริง")
    # The secretary's sheet is reopened and resubmitted with other scores.
    secretary_scores = sheets[2].items.select_related("item")
    for score in secretary_scores:
        score.value, score.not_applicable = {"P1.1": (3, False), "P1.2": (None, True),
                                             "Q1.1": (4, False)}[score.item.ref]
        score.save()
    c.team_sheet_for(world.application)
    rows = {row.item.ref: (row.value, row.median, row.reason) for row in
            ConsensusScore.objects.filter(team_sheet=team_sheet).select_related("item")}
    assert rows["P1.1"] == (2, 2, "")  # median of 1, 2, 3
    assert rows["Q1.1"] == (3, 2.5, "ช่องทางออนไลน์ใช้งานได้จริง")  # recorded by the chair


# -- the consensus and its reason --------------------------------------------------------------

def test_a_consensus_equal_to_the_median_needs_no_reason(world):
    team_scores(world, SPREAD)
    c.team_sheet_for(world.application)
    recorded = consensus(world, "P1.1", 2)
    assert (recorded.value, recorded.reason, recorded.median) == (2, "", 2)
    entry = AuditEntry.objects.get(action="scoring.consensus_recorded")
    assert entry.data["item"] == "P1.1" and entry.data["after"]["value"] == 2


def test_a_consensus_that_differs_from_the_median_needs_a_reason(world):
    team_scores(world, SPREAD)
    c.team_sheet_for(world.application)
    with pytest.raises(ValidationError) as exc:
        consensus(world, "P1.1", 3, reason="   ")
    assert errors(exc) == {"reason": [
        "คะแนนฉันทามติต่างจากค่ามัธยฐานของกรรมการ (2) กรุณาระบุเหตุผล"]}
    assert consensus(world, "P1.1", 3, reason="ตรวจซ้ำแล้วมีที่จอดเพิ่ม").value == 3


def test_a_median_between_two_points_needs_a_reason_whichever_point(world):
    """Q1.1's median is 2.5: neither 2 nor 3 equals it, so both need a reason."""
    team_scores(world, SPREAD)
    c.team_sheet_for(world.application)
    for value in (2, 3):
        with pytest.raises(ValidationError) as exc:
            consensus(world, "Q1.1", value)
        assert list(errors(exc)) == ["reason"]
        assert "2.5" in errors(exc)["reason"][0]


def test_na_when_every_member_said_na_needs_no_reason_but_a_score_does(world):
    team_scores(world, SPREAD)
    c.team_sheet_for(world.application)
    assert consensus(world, "P1.2", na=True).not_applicable is True
    with pytest.raises(ValidationError) as exc:
        consensus(world, "P1.2", 1)
    assert list(errors(exc)) == ["reason"]


def test_bad_consensus_values_are_refused_by_field(world):
    team_scores(world, SPREAD)
    c.team_sheet_for(world.application)
    with pytest.raises(ValidationError) as exc:
        consensus(world, "P1.1", 5, reason="x")
    assert errors(exc) == {"value": ["5 ไม่อยู่ในมาตรวัดของข้อนี้ (0, 1, 2, 3, 4)"]}
    with pytest.raises(ValidationError) as exc:
        consensus(world, "P1.1", 2.5, reason="x")
    assert list(errors(exc)) == ["value"]
    with pytest.raises(ValidationError) as exc:
        consensus(world, "P1.1", na=True, reason="x")
    assert errors(exc) == {"not_applicable": ["เกณฑ์ไม่อนุญาตให้ระบุว่าไม่เกี่ยวข้องสำหรับข้อนี้"]}
    with pytest.raises(ValidationError) as exc:
        consensus(world, "P1.1", None)
    assert list(errors(exc)) == ["value"]


def test_who_may_record_the_consensus(world):
    chair, qualified, secretary = world.members
    sheet(world, qualified, {"P1.1": 2, "P1.2": 1, "Q1.1": 2})
    team_sheet = c.team_sheet_for(world.application)
    for user in (chair, secretary, qualified, world.assistant, world.coordinator):
        with pytest.raises(ValidationError) as exc:
            consensus(world, "P1.1", 2, actor=user)
        assert exc.value.code == "not_allowed"
    sheet(world, secretary, {"P1.1": 2, "P1.2": 1, "Q1.1": 2})
    assert consensus(world, "P1.1", 2, actor=secretary).updated_by == secretary
    assert consensus(world, "P1.1", 2, actor=world.secretariat).updated_by == world.secretariat
    assert team_sheet.state == TeamSheetState.OPEN


def test_findings_are_recorded_per_item(world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    c.record_findings(team_sheet, items(world)["P1.1"], strengths="ที่จอดรถผู้พิการชัดเจน",
                      improvements="  เพิ่มหลังคา  ", actor=world.chair)
    row = ConsensusScore.objects.get(team_sheet=team_sheet, item=items(world)["P1.1"])
    assert (row.strengths, row.improvements, row.value) == ("ที่จอดรถผู้พิการชัดเจน",
                                                            "เพิ่มหลังคา", 2)
    entry = AuditEntry.objects.get(action="scoring.findings_recorded")
    assert entry.data["after"] == {"strengths": "ที่จอดรถผู้พิการชัดเจน",
                                   "improvements": "เพิ่มหลังคา"}


# -- locking, recomputing, unlocking -----------------------------------------------------------

def test_locking_needs_every_sheet_and_every_consensus(world):
    chair, qualified, secretary = world.members
    sheet(world, chair, {"P1.1": 2, "P1.2": 1, "Q1.1": 2})
    team_sheet = c.team_sheet_for(world.application)
    with pytest.raises(ValidationError) as exc:
        c.lock_team_sheet(team_sheet, world.chair)
    assert exc.value.messages == [
        f"กรรมการยังส่งแบบให้คะแนนไม่ครบ: {qualified.full_name}, {secretary.full_name}",
        "ข้อที่ยังไม่มีคะแนนฉันทามติ: P1.1, P1.2, Q1.1"]
    team_sheet.refresh_from_db()
    assert team_sheet.state == TeamSheetState.OPEN and team_sheet.result == {}


def test_locking_stores_the_proposed_result_of_the_engine(world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    with pytest.raises(ValidationError) as exc:
        c.lock_team_sheet(team_sheet, world.chair)
    assert exc.value.messages == ["ข้อที่ยังไม่มีคะแนนฉันทามติ: Q1.1"]
    consensus(world, "Q1.1", 3, reason="ช่องทางออนไลน์ใช้งานได้จริง")
    with pytest.raises(ValidationError) as exc:
        c.lock_team_sheet(team_sheet, world.qualified[0])
    assert exc.value.code == "not_allowed"
    c.lock_team_sheet(team_sheet, world.chair)
    team_sheet.refresh_from_db()
    # P1.1 2/4 × weight 2, Q1.1 3/4 × weight 1, P1.2 N/A: (1.0 + 0.75) / 3 = 58.33 %.
    assert team_sheet.state == TeamSheetState.LOCKED
    assert (team_sheet.result_percent, team_sheet.result_level) == (58.33, "basic")
    assert team_sheet.result["categories"] == {"P": 50.0, "Q": 75.0}
    assert team_sheet.result["mandatory_failed"] == []
    assert team_sheet.result["basis"] == "consensus"
    assert team_sheet.result["values"] == {"P1.1": 2, "P1.2": None, "Q1.1": 3}
    assert team_sheet.locked_by == world.chair
    entry = AuditEntry.objects.get(action="scoring.team_locked")
    assert entry.data["after"] == {"state": "locked", "result_percent": 58.33,
                                   "result_level": "basic"}
    # Nothing changes a locked sheet.
    with pytest.raises(ValidationError) as exc:
        consensus(world, "Q1.1", 2, reason="x")
    assert exc.value.code == "locked"


def test_the_proposed_result_is_recomputed_from_the_stored_consensus(world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    consensus(world, "Q1.1", 3, reason="ช่องทางออนไลน์ใช้งานได้จริง")
    c.lock_team_sheet(team_sheet, world.chair)
    team_sheet.refresh_from_db()
    result = proposed_result(team_sheet)
    assert (result.overall_percent, result.level) == (58.33, "basic")
    assert compare_stored(team_sheet)["matches"] is True
    TeamSheet.objects.filter(pk=team_sheet.pk).update(result={**team_sheet.result,
                                                              "level": "advanced"})
    team_sheet.refresh_from_db()
    comparison = compare_stored(team_sheet)
    assert comparison["matches"] is False
    assert comparison["differences"] == [("level", "advanced", "basic")]


def test_a_stored_value_off_the_scale_cannot_be_scored(world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    ConsensusScore.objects.filter(team_sheet=team_sheet, item__ref="P1.1").update(value=7)
    with pytest.raises(ScoringError):
        proposed_result(team_sheet)


def test_a_difference_left_unexplained_after_the_median_moved_blocks_the_lock(world):
    sheets = team_scores(world, {"P1.1": [2, 2, 2], "P1.2": [1, 1, 1], "Q1.1": [3, 3, 3]})
    team_sheet = c.team_sheet_for(world.application)
    consensus(world, "P1.1", 2)  # recorded by the chair: equal to the median then
    score = sheets[0].items.get(item__ref="P1.1")
    score.value = 4
    score.save()
    score = sheets[1].items.get(item__ref="P1.1")
    score.value = 4
    score.save()
    with pytest.raises(ValidationError) as exc:
        c.lock_team_sheet(team_sheet, world.chair)
    assert exc.value.messages == [
        "ข้อที่คะแนนฉันทามติต่างจากค่ามัธยฐานของกรรมการโดยไม่มีเหตุผล: P1.1"]


def test_unlocking_is_the_secretariats_with_a_reason(world):
    team_scores(world, {"P1.1": [2, 2, 2], "P1.2": [1, 1, 1], "Q1.1": [3, 3, 3]})
    team_sheet = c.team_sheet_for(world.application)
    c.lock_team_sheet(team_sheet, world.secretariat)
    with pytest.raises(ValidationError) as exc:
        c.unlock_team_sheet(team_sheet, world.chair, "แก้ไข")
    assert exc.value.code == "not_allowed"
    with pytest.raises(ValidationError) as exc:
        c.unlock_team_sheet(team_sheet, world.secretariat, " ")
    assert errors(exc) == {"reason": ["กรุณาระบุเหตุผลที่ปลดล็อกแบบสรุปคะแนนของคณะ"]}
    c.unlock_team_sheet(team_sheet, world.secretariat, "คณะขอแก้ไขข้อ Q1.1")
    team_sheet.refresh_from_db()
    assert (team_sheet.state, team_sheet.result, team_sheet.result_level) == ("open", {}, "")
    entry = AuditEntry.objects.get(action="scoring.team_unlocked")
    assert entry.data["reason"] == "คณะขอแก้ไขข้อ Q1.1"
    assert entry.data["before"]["result_level"] == "basic"  # 68.75 %


def test_a_members_sheet_cannot_be_reopened_while_the_team_sheet_is_locked(world):
    sheets = team_scores(world, {"P1.1": [2, 2, 2], "P1.2": [1, 1, 1], "Q1.1": [3, 3, 3]})
    team_sheet = c.team_sheet_for(world.application)
    c.lock_team_sheet(team_sheet, world.chair)
    with pytest.raises(ValidationError) as exc:
        c.reopen_member_sheet(sheets[1], world.chair, "ขอแก้คะแนน")
    assert exc.value.code == "team_locked"
    c.unlock_team_sheet(team_sheet, world.secretariat, "ขอแก้คะแนน")
    reopened = c.reopen_member_sheet(sheets[1], world.chair, "ขอแก้คะแนน")
    assert reopened.state == SheetState.DRAFT


# -- the whole round ---------------------------------------------------------------------------

def test_propose_round_scores_every_open_team_sheet_from_the_medians(world):
    team_scores(world, SPREAD)
    second = add_application(world)
    team_scores(world, {"P1.1": [4, 4, 3], "P1.2": [1, 0, 1], "Q1.1": [4, 4, 4]},
                application=second)
    third = add_application(world)  # nobody submitted yet
    other = scoring_world(world.round, secretariat=world.secretariat)
    team_scores(other, {"P1.1": [2, 2, 2], "P1.2": [1, 1, 1], "Q1.1": [3, 3, 3]})
    locked = c.team_sheet_for(other.application)
    c.lock_team_sheet(locked, other.chair)
    locked.refresh_from_db()
    before = locked.result

    assert c.propose_round(world.round, world.secretariat) == 3
    sheets = {ts.application_id: ts for ts in TeamSheet.objects.all()}
    first = sheets[world.application.pk]
    # Medians P1.1 2, P1.2 N/A, Q1.1 2.5: (2/4 × 2 + 2.5/4) / 3 = 54.17 %.
    assert (first.result_percent, first.result_level) == (54.17, "basic")
    assert first.result["basis"] == "members_median"
    assert first.result["members_submitted"] == 3
    expected = c.compiled_edition(world.application).score(
        {"P1.1": 2, "P1.2": None, "Q1.1": 2.5}, team=True).as_dict()
    del expected["explanation"]
    assert {k: first.result[k] for k in expected} == expected
    assert sheets[second.pk].result_level == "excellence"  # medians 4, 1, 4: 100 %
    assert (sheets[third.pk].result, sheets[third.pk].result_percent) == ({}, None)
    assert sheets[other.application.pk].result == before  # locked: untouched
    assert AuditEntry.objects.get(action="scoring.round_proposed").data == {"count": 3}


def test_the_raw_read_keeps_every_value_exactly(world):
    """The round's read packs a value as sixteenths on PostgreSQL; a value that is not a
    multiple of 1/16 makes it read the rows again as doubles (and SQLite reads rows)."""
    from django.db import connection

    sheets = team_scores(world, {"P1.1": [1, 2, 4], "P1.2": [NA, 1, 0], "Q1.1": [2, 3, 4]})
    ids = sorted(s.pk for s in sheets)
    item_ids = [item.pk for item in world.items]
    read = c._raw_scores(connection, ids, item_ids)
    assert sorted(zip(*[a.tolist() for a in read], strict=True))[:3] == [
        (ids[0], item_ids[0], 1.0), (ids[0], item_ids[1], pytest.approx(float("nan"),
                                                                          nan_ok=True)),
        (ids[0], item_ids[2], 2.0)]
    sheets[0].items.filter(item__ref="P1.1").update(value=0.3)
    sheet_ids, items, values = c._raw_scores(connection, ids, item_ids)
    assert 0.3 in values.tolist() and len(values) == 9
