"""The team consolidation pages: who sees what (permission table, scoping, independence),
the consensus form (bad input keeps what was typed), lock / unlock / recompute, a member's
sheet with its history, reopening, the round's list (filters, query counts, CSV)."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.scoring.domain import consolidation as c
from gecc.scoring.enums import HistoryReason
from gecc.scoring.models import ItemScoreHistory, TeamSheet
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.scoring.factories_sheets import add_application, scoring_world
from tests.scoring.factories_team import NA, sheet, team_scores

pytestmark = pytest.mark.django_db

SPREAD = {"P1.1": [1, 2, 4], "P1.2": [NA, NA, NA], "Q1.1": [2, 3, NA]}
SAME = {"P1.1": [2, 2, 2], "P1.2": [1, 1, 1], "Q1.1": [3, 3, 3]}


@pytest.fixture
def world():
    return scoring_world()


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def page(client, user, path, **kwargs):
    sign_in(client, user)
    return client.get(path, **kwargs)


def item_pk(world, ref):
    return next(item.pk for item in world.items if item.ref == ref)


# -- permission table --------------------------------------------------------------------------

def test_permission_table_of_the_team_page(client, world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    other = scoring_world(world.round, secretariat=world.secretariat)
    expected = {"secretariat": 200, "chair": 200, "qualified": 200, "assistant": 200,
                "other_team_chair": 404, "coordinator": 403, "steering": 403}
    people = {"secretariat": world.secretariat, "chair": world.chair,
              "qualified": world.qualified[0], "assistant": world.assistant,
              "other_team_chair": other.chair, "coordinator": world.coordinator,
              "steering": UserFactory(roles=["steering"])}
    seen = {}
    for name, user in people.items():
        client.logout()
        seen[name] = page(client, user, url("team.detail", team_sheet.pk)).status_code
    assert seen == expected
    client.logout()
    response = client.get(url("team.detail", team_sheet.pk))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_member_sees_the_table_only_after_submitting_their_own_sheet(client, world):
    chair, qualified, secretary = world.members
    sheet(world, qualified, {"P1.1": 4, "P1.2": 1, "Q1.1": 4})
    team_sheet = c.team_sheet_for(world.application)
    html = page(client, chair, url("team.detail", team_sheet.pk)).content.decode()
    assert 'data-testid="wait"' in html
    assert "กรุณาส่งแบบให้คะแนนของท่านสำหรับหน่วยบริการนี้ก่อน" in html
    assert 'href="/field/"' in html
    assert 'data-testid="score-table"' not in html
    sheet(world, chair, {"P1.1": 1, "P1.2": 1, "Q1.1": 1})
    html = client.get(url("team.detail", team_sheet.pk)).content.decode()
    assert 'data-testid="score-table"' in html and 'data-testid="wait"' not in html


def test_the_page_shows_figures_and_flags_in_words_and_filters_them(client, world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    html = page(client, world.chair, url("team.detail", team_sheet.pk)).content.decode()
    assert html.count('data-testid="item-row"') == 3
    assert html.count('data-testid="flag"') == 1
    assert "คะแนนต่างกันเกินเกณฑ์" in html
    assert "1.25" in html  # P1.1's population SD, two decimals
    flagged = client.get(url("team.detail", team_sheet.pk), {"flagged": "1"}).content.decode()
    assert flagged.count('data-testid="item-row"') == 1
    assert 'data-ref="P1.1"' in flagged


# -- the consensus form ------------------------------------------------------------------------

def post_item(client, team_sheet, world, ref, **fields):
    prefix = f"item-{item_pk(world, ref)}"
    data = {f"{prefix}-item": ref}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    data["item"] = ref
    return client.post(url("team.consensus", team_sheet.pk), data)


def test_recording_a_consensus_with_a_reason(client, world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    sign_in(client, world.chair)
    response = post_item(client, team_sheet, world, "Q1.1", value="3",
                         reason="ตรวจเอกสารเพิ่มเติมแล้ว", strengths="มีช่องทางออนไลน์")
    assert response.status_code == 302
    assert response["Location"].endswith("#item-Q1.1")
    row = team_sheet.items.get(item__ref="Q1.1")
    assert (row.value, row.reason, row.strengths) == (3, "ตรวจเอกสารเพิ่มเติมแล้ว",
                                                      "มีช่องทางออนไลน์")


@pytest.mark.parametrize(("ref", "fields", "message"), [
    ("Q1.1", {"value": "3", "reason": ""},
     "คะแนนฉันทามติต่างจากค่ามัธยฐานของกรรมการ (2.5) กรุณาระบุเหตุผล"),
    ("P1.1", {"value": "7", "reason": "เหตุผล"}, "7 ไม่อยู่ในมาตรวัดของข้อนี้ (0, 1, 2, 3, 4)"),
    ("P1.1", {"value": "na", "reason": "เหตุผล"},
     "เกณฑ์ไม่อนุญาตให้ระบุว่าไม่เกี่ยวข้องสำหรับข้อนี้"),
    ("P1.1", {"value": "สาม", "reason": "เหตุผล"}, "กรุณาเลือกคะแนนตามมาตรวัดของข้อนี้"),
])
def test_bad_input_is_refused_and_the_form_keeps_what_was_typed(client, world, ref, fields,
                                                                message):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    sign_in(client, world.chair)
    response = post_item(client, team_sheet, world, ref, strengths="ข้อความที่พิมพ์ไว้",
                         **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "ข้อความที่พิมพ์ไว้</textarea>" in html
    if fields["reason"]:
        assert f"{fields['reason']}</textarea>" in html
    assert team_sheet.items.get(item__ref=ref).strengths == ""  # nothing was written


def test_a_member_who_does_not_consolidate_cannot_post(client, world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    sign_in(client, world.qualified[0])
    assert post_item(client, team_sheet, world, "P1.1", value="2").status_code == 403


def test_the_chair_changes_the_threshold(client, world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    sign_in(client, world.chair)
    assert client.post(url("team.threshold", team_sheet.pk), {"threshold": "0.5"}) \
        .status_code == 302
    team_sheet.refresh_from_db()
    assert team_sheet.spread_threshold == 0.5
    response = client.post(url("team.threshold", team_sheet.pk), {"threshold": "-3"})
    assert response.status_code == 400
    assert 'value="-3"' in response.content.decode()


# -- lock, recompute, unlock -------------------------------------------------------------------

def test_lock_confirmation_names_what_is_missing(client, world):
    team_scores(world, SPREAD)
    team_sheet = c.team_sheet_for(world.application)
    html = page(client, world.chair, url("team.lock", team_sheet.pk)).content.decode()
    assert "ข้อที่ยังไม่มีคะแนนฉันทามติ: Q1.1" in html
    assert 'data-testid="confirm"' not in html
    assert client.post(url("team.lock", team_sheet.pk)).status_code == 400
    team_sheet.refresh_from_db()
    assert team_sheet.state == "open"


def test_lock_then_recompute_then_unlock(client, world):
    team_scores(world, SAME)
    team_sheet = c.team_sheet_for(world.application)
    html = page(client, world.chair, url("team.lock", team_sheet.pk)).content.decode()
    assert 'data-testid="confirm"' in html and "68.75 %" in html
    assert client.post(url("team.lock", team_sheet.pk)).status_code == 302
    team_sheet.refresh_from_db()
    assert (team_sheet.state, team_sheet.result_percent) == ("locked", 68.75)
    html = client.get(url("team.recompute", team_sheet.pk)).content.decode()
    assert 'data-testid="matches"' in html
    # The chair may not unlock; the secretariat may, with a reason.
    assert client.get(url("team.unlock", team_sheet.pk)).status_code == 403
    client.logout()
    sign_in(client, world.secretariat)
    response = client.post(url("team.unlock", team_sheet.pk), {"reason": ""})
    assert response.status_code == 400
    assert client.post(url("team.unlock", team_sheet.pk),
                       {"reason": "แก้ไขข้อ Q1.1"}).status_code == 302
    team_sheet.refresh_from_db()
    assert team_sheet.state == "open"


# -- a member's sheet and reopening ------------------------------------------------------------

def test_a_members_sheet_shows_values_notes_and_the_edits_that_lost(client, world):
    sheets = team_scores(world, {"P1.1": [(2, "ลานจอดเล็ก"), 2, 2], "P1.2": [1, 1, 1],
                                 "Q1.1": [3, 3, 3]})
    score = sheets[1].items.get(item__ref="P1.1")
    ItemScoreHistory.objects.create(item_score=score, value=4, note="ค่าจากแท็บเล็ตเครื่องเก่า",
                                    client_time=score.client_time,
                                    reason=HistoryReason.SUPERSEDED)
    html = page(client, world.chair, url("sheet.detail", sheets[1].pk)).content.decode()
    assert html.count('data-testid="sheet-item"') == 3
    history = html.split('data-testid="history"')[1].split("</ul>")[0]
    assert "ค่าจากแท็บเล็ตเครื่องเก่า" in history
    assert str(HistoryReason.SUPERSEDED.label) in history
    html = client.get(url("sheet.detail", sheets[0].pk)).content.decode()
    assert "ลานจอดเล็ก" in html


def test_a_co_members_sheet_is_hidden_until_one_submitted(client, world):
    chair, qualified, secretary = world.members
    theirs = sheet(world, qualified, {"P1.1": 2, "P1.2": 1, "Q1.1": 2})
    assert page(client, chair, url("sheet.detail", theirs.pk)).status_code == 404
    sheet(world, chair, {"P1.1": 2, "P1.2": 1, "Q1.1": 2})
    assert client.get(url("sheet.detail", theirs.pk)).status_code == 200


def test_reopening_a_sheet_needs_a_reason_and_an_open_team_sheet(client, world):
    sheets = team_scores(world, SAME)
    team_sheet = c.team_sheet_for(world.application)
    sign_in(client, world.chair)
    target = url("sheet.reopen", sheets[1].pk)
    assert client.get(target).status_code == 200
    response = client.post(target, {"reason": ""})
    assert response.status_code == 400
    c.lock_team_sheet(team_sheet, world.chair)
    response = client.get(target)
    assert response.status_code == 302
    response = client.post(target, {"reason": "ขอแก้คะแนน"})
    assert response.status_code == 400
    assert "แบบสรุปคะแนนของคณะสำหรับใบสมัครนี้ล็อกแล้ว" in response.content.decode()
    sheets[1].refresh_from_db()
    assert sheets[1].state == "submitted"
    client.logout()
    sign_in(client, world.qualified[0])
    assert client.post(target, {"reason": "x"}).status_code == 403


# -- the round's list --------------------------------------------------------------------------

def test_the_list_shows_each_application_with_its_state(client, world):
    team_scores(world, SAME)
    c.lock_team_sheet(c.team_sheet_for(world.application), world.chair)
    add_application(world)
    other = scoring_world(world.round, secretariat=world.secretariat)
    html = page(client, world.secretariat, url("team.list", world.round.pk)).content.decode()
    assert html.count('data-testid="team-row"') == 3
    assert "3/3" in html and "พื้นฐาน (68.75 %)" in html
    html = client.get(url("team.list", world.round.pk), {"state": "locked"}).content.decode()
    assert html.count('data-testid="team-row"') == 1
    html = client.get(url("team.list", world.round.pk),
                      {"team": other.team.pk}).content.decode()
    assert html.count('data-testid="team-row"') == 1
    client.logout()
    html = page(client, other.chair, url("team.list", world.round.pk)).content.decode()
    assert html.count('data-testid="team-row"') == 1  # their own team only
    assert other.unit.name_th in html and world.unit.name_th not in html


@pytest.mark.parametrize("rows", [1, 3])
def test_the_list_queries_do_not_grow_with_rows(client, world, rows):
    for _ in range(rows - 1):
        add_application(world)
    c.team_sheet_for(world.application)
    sign_in(client, world.secretariat)
    target = url("team.list", world.round.pk)
    client.get(target)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target)
    assert response.content.decode().count('data-testid="team-row"') == rows
    assert len(queries) == QUERIES


QUERIES = 9  # session, user, roles, round, teams (filter), count, rows, item list, OTP


def test_the_list_as_csv(client, world):
    team_scores(world, SAME)
    c.lock_team_sheet(c.team_sheet_for(world.application), world.chair)
    sign_in(client, world.secretariat)
    response = client.get(url("team.export", world.round.pk))
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0].startswith('"sub-committee","unit code","unit"')
    assert lines[1].endswith('"3","3","3","3","locked","basic","68.75","consensus"')
    assert len(lines) == 2


def test_propose_round_from_the_list(client, world):
    team_scores(world, SPREAD)
    sign_in(client, world.secretariat)
    response = client.post(url("team.propose", world.round.pk))
    assert response.status_code == 302
    team_sheet = TeamSheet.objects.get(application=world.application)
    assert (team_sheet.result_level, team_sheet.result["basis"]) == ("basic",
                                                                      "members_median")
    client.logout()
    client.force_login(world.chair)
    assert client.post(url("team.propose", world.round.pk)).status_code == 403


def level_cells(html) -> str:
    """The "proposed level" cells of the list (not the page: a round's year, say 3100,
    would contain a percentage of 100)."""
    return " ".join(re.findall(r'data-testid="team-level">(.*?)</td>', html, re.S))


def test_a_provisional_result_is_hidden_from_a_member_who_has_not_submitted(client, world):
    """With one member's sheet submitted, the provisional result is that member's scores:
    the chair, who has not submitted yet, must not read it on the list or in the CSV."""
    from gecc.scoring.models import ScoreSheet

    member = world.qualified[0]
    sheet(world, member, {"P1.1": 4, "P1.2": 1, "Q1.1": 4})
    c.team_sheet_for(world.application)
    c.propose_round(world.round, world.secretariat)
    percent = TeamSheet.objects.get(application=world.application).result_percent
    shown = f"{percent:g}"
    assert percent is not None

    html = page(client, world.chair, url("team.list", world.round.pk)).content.decode()
    assert 'data-testid="team-row"' in html and shown not in level_cells(html)
    text = client.get(url("team.export", world.round.pk)).content.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["proposed level"], row["proposed score (%)"], row["basis"]) == ("", "", "")
    client.logout()
    for viewer in (member, world.secretariat):  # submitted their own / the secretariat
        html = page(client, viewer, url("team.list", world.round.pk)).content.decode()
        assert shown in level_cells(html), viewer
        client.logout()
    assert ScoreSheet.objects.filter(application=world.application).count() == 1


def test_the_csv_escapes_formula_cells(client, world):
    """What ``tests/common/test_csv_exports.py`` checks for every export (this one is to be
    added to its table): a unit name that starts like a formula is written escaped."""
    from gecc.registry.models import ServiceUnit

    ServiceUnit.objects.filter(pk=world.application.unit_id).update(name_th="=HYPERLINK(1)")
    sign_in(client, world.secretariat)
    text = client.get(url("team.export", world.round.pk)).content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(1)"' in text
