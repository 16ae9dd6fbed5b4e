"""The team pages say the proposed result in words: the level's name instead of its code
(Thai by default, English in the English interface), categories, criteria and items by name
next to their references, and each reason a higher level was not reached as one sentence.

The worlds: ``feedback_world()`` (``tests/scoring/factories_feedback.py``) is a locked team
sheet at "ก้าวหน้า" (advanced): 75% overall, ด้านกายภาพ 83.33%, ด้านคุณภาพ 50%; the next
level, "เป็นเลิศ", needs 85% overall and 80% on Q1 (การรับเรื่องร้องเรียน). ``scoring_world()``
with every member scoring P1.1 = 2, P1.2 = 1, Q1.1 = 3 gives "พื้นฐาน" (basic) at 68.75%."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from gecc.scoring.domain import consolidation as c
from gecc.scoring.domain.results import (
    explanation_by_level,
    level_names,
    next_level,
    reason_sentence,
    ref_names,
)
from tests.conftest import sign_in
from tests.scoring.factories_feedback import (
    NO_LEVEL,
    TOP,
    accepted_application,
    add_team_sheet,
    feedback_world,
)
from tests.scoring.factories_feedback import new_team as feedback_team
from tests.scoring.factories_sheets import scoring_world
from tests.scoring.factories_team import team_scores

pytestmark = pytest.mark.django_db

SAME = {"P1.1": [2, 2, 2], "P1.2": [1, 1, 1], "Q1.1": [3, 3, 3]}
OVERALL_85 = "คะแนนรวมต้องได้อย่างน้อยร้อยละ 85 (ขณะนี้ได้ร้อยละ 75 ยังขาดอีกร้อยละ 10)"
Q1_80 = ("การรับเรื่องร้องเรียน (Q1): ต้องได้อย่างน้อยร้อยละ 80 (ขณะนี้ได้ร้อยละ 50 "
         "ยังขาดอีกร้อยละ 30)")


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def html_of(client, user, path, **params):
    sign_in(client, user)
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def texts(html, name) -> list[str]:
    """The text of every element ``data-testid=name`` (tags removed, spaces collapsed)."""
    found = re.findall(rf'data-testid="{name}"[^>]*>(.*?)</(?:td|dd|p|ul)>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found]


def in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


# -- the words, without a page -----------------------------------------------------------------

def test_level_names_follow_the_interface_language():
    world = feedback_world()
    version = world.round.edition
    assert level_names(version) == {"basic": "พื้นฐาน", "advanced": "ก้าวหน้า",
                                    "excellence": "เป็นเลิศ"}
    with translation.override("en"):
        assert level_names(version) == {"basic": "Basic", "advanced": "Advanced",
                                        "excellence": "Excellence"}


def test_ref_names_put_the_name_before_the_reference():
    names = ref_names(feedback_world().round.edition)
    assert (names["P"], names["Q1"], names["P1.1"]) == \
        ("ด้านกายภาพ (P)", "การรับเรื่องร้องเรียน (Q1)", "มีที่จอดรถเพียงพอ (P1.1)")


def test_each_rule_reads_as_one_sentence():
    names = {"P": "ด้านกายภาพ (P)", "Q1": "การรับเรื่องร้องเรียน (Q1)",
             "P1.1": "มีที่จอดรถเพียงพอ (P1.1)"}
    reasons = [
        {"level": "advanced", "rule": "min_overall", "required": 70, "actual": 68.75,
         "shortfall": 1.25},
        {"level": "advanced", "rule": "min_category", "ref": "P", "required": 60,
         "actual": 55.5, "shortfall": 4.5},
        {"level": "excellence", "rule": "min_criterion", "ref": "Q1", "required": 80,
         "actual": 50.0, "shortfall": 30.0},
        {"level": "basic", "rule": "all_mandatory", "failed_items": ["P1.1"], "shortfall": 1},
        {"level": "basic", "rule": "min_overall", "required": 50, "actual": None,
         "shortfall": 50},
    ]
    assert [reason_sentence(reason, names) for reason in reasons] == [
        "คะแนนรวมต้องได้อย่างน้อยร้อยละ 70 (ขณะนี้ได้ร้อยละ 68.75 ยังขาดอีกร้อยละ 1.25)",
        "ด้านกายภาพ (P): ต้องได้อย่างน้อยร้อยละ 60 (ขณะนี้ได้ร้อยละ 55.5 ยังขาดอีกร้อยละ 4.5)",
        Q1_80,
        "ต้องผ่านตัวชี้วัดบังคับทุกข้อ: ยังไม่ผ่าน 1 ข้อ (มีที่จอดรถเพียงพอ (P1.1))",
        "คะแนนรวมต้องได้อย่างน้อยร้อยละ 50 (ขณะนี้ได้ร้อยละ – ยังขาดอีกร้อยละ 50)",
    ]
    # A reference without a name is shown as it is.
    assert reason_sentence({"rule": "min_category", "ref": "Z", "required": 60, "actual": 1,
                            "shortfall": 59}, {}).startswith("Z: ")


def test_the_explanation_is_grouped_by_level_lowest_first():
    levels = {"basic": "พื้นฐาน", "advanced": "ก้าวหน้า", "excellence": "เป็นเลิศ"}
    explanation = [
        {"level": "excellence", "rule": "min_overall", "required": 85, "actual": 68.75,
         "shortfall": 16.25},
        {"level": "advanced", "rule": "min_overall", "required": 70, "actual": 68.75,
         "shortfall": 1.25},
        {"level": "gold", "rule": "min_overall", "required": 99, "actual": 68.75,
         "shortfall": 30.25},
    ]
    grouped = explanation_by_level(explanation, levels, {})
    assert [(name, len(sentences)) for name, sentences in grouped] == \
        [("ก้าวหน้า", 1), ("เป็นเลิศ", 1), ("gold", 1)]
    assert explanation_by_level([], levels, {}) == []


def test_next_level_is_the_one_above_the_level_reached():
    levels = [{"code": "basic"}, {"code": "advanced"}, {"code": "excellence"}]
    assert next_level(levels, None) == {"code": "basic"}
    assert next_level(levels, "basic") == {"code": "advanced"}
    assert next_level(levels, "excellence") is None
    assert next_level(levels, "unknown") is None
    assert next_level([], None) is None


# -- the round's list --------------------------------------------------------------------------

def test_the_list_shows_the_thai_level_name_not_the_code(client):
    world = feedback_world()
    html = html_of(client, world.secretariat, url("team.list", world.round.pk))
    assert texts(html, "team-level") == ["ก้าวหน้า (75 %)"]
    assert "advanced" not in texts(html, "team-level")[0]


def test_the_list_reads_in_english_when_the_user_picks_english(client):
    world = feedback_world()
    sign_in(client, world.secretariat)
    in_english(client)
    html = client.get(url("team.list", world.round.pk)).content.decode()
    assert texts(html, "team-level") == ["Advanced (75 %)"]


def test_a_provisional_level_on_the_list_is_named_too(client):
    world = scoring_world()
    team_scores(world, SAME)
    c.propose_round(world.round, world.secretariat)
    html = html_of(client, world.secretariat, url("team.list", world.round.pk))
    assert texts(html, "team-level") == \
        ["พื้นฐาน (68.75 %) ผลเบื้องต้นจากค่ามัธยฐานของกรรมการ"]


@pytest.mark.parametrize("rows", [1, 3])
def test_the_named_levels_do_not_add_queries_per_row(client, rows):
    world = feedback_world()
    for _ in range(rows - 1):
        add_team_sheet(accepted_application(world.round, world.team), world.team)
    sign_in(client, world.secretariat)
    target = url("team.list", world.round.pk)
    client.get(target)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(target).content.decode()
    assert texts(html, "team-level") == ["ก้าวหน้า (75 %)"] * rows
    assert len(queries) == 9  # as without names: the levels come with the round's row


# -- one team sheet ----------------------------------------------------------------------------

def test_the_detail_page_names_the_level_the_categories_and_the_reasons(client):
    world = feedback_world()
    html = html_of(client, world.secretariat, url("team.detail", world.team_sheet.pk))
    assert texts(html, "result-level") == ["ก้าวหน้า"]
    assert "ด้านกายภาพ (P)" in html and "อาคารสถานที่ (P1)" in html
    assert "การรับเรื่องร้องเรียน (Q1)" in html
    assert texts(html, "explanation") == [
        f"สิ่งที่ยังขาดเพื่อให้ได้ระดับเป็นเลิศ: {OVERALL_85} {Q1_80}"]
    assert "min_overall" not in html and "min_criterion" not in html
    assert ">advanced<" not in html


def test_the_categories_are_listed_each_followed_by_its_criteria(client):
    world = feedback_world()
    html = html_of(client, world.secretariat, url("team.detail", world.team_sheet.pk))
    assert re.findall(r'<tr data-ref="([^"]+)">', html) == ["P", "P1", "Q", "Q1"]
    assert re.search(r'data-ref="P"><th scope="row"><strong>ด้านกายภาพ \(P\)</strong></th>'
                     r"<td>83.33</td>", html)


def test_the_top_level_has_no_explanation(client):
    world = feedback_world(TOP)
    html = html_of(client, world.secretariat, url("team.detail", world.team_sheet.pk))
    assert texts(html, "result-level") == ["เป็นเลิศ"]
    assert 'data-testid="explanation"' not in html


def test_no_level_reached_names_the_failed_mandatory_item(client):
    world = feedback_world(NO_LEVEL)
    html = html_of(client, world.secretariat, url("team.detail", world.team_sheet.pk))
    assert texts(html, "result-level") == ["ไม่ถึงระดับใด"]
    assert "มีที่จอดรถเพียงพอ (P1.1)" in html
    assert ("ต้องผ่านตัวชี้วัดบังคับทุกข้อ: ยังไม่ผ่าน 1 ข้อ (มีที่จอดรถเพียงพอ (P1.1))"
            in html)


def test_the_detail_page_reads_in_english_when_the_user_picks_english(client):
    world = feedback_world()
    sign_in(client, world.secretariat)
    in_english(client)
    html = client.get(url("team.detail", world.team_sheet.pk)).content.decode()
    assert texts(html, "result-level") == ["Advanced"]
    assert "Physical (P)" in html and "Complaints (Q1)" in html
    assert texts(html, "explanation") == [
        "To reach the Excellence level: An overall score of at least 85% (now 75%, 10 points "
        "short). Complaints (Q1): at least 80% (now 50%, 30 points short)."]


def test_the_provisional_line_names_the_level(client):
    world = scoring_world()
    team_scores(world, SAME)
    c.propose_round(world.round, world.secretariat)
    team_sheet = c.team_sheet_for(world.application)
    html = html_of(client, world.secretariat, url("team.detail", team_sheet.pk))
    (line,) = texts(html, "provisional")
    assert line.startswith("ผลเบื้องต้นจากค่ามัธยฐานของกรรมการ: พื้นฐาน (68.75 %)")
    assert "basic" not in line


def test_the_lock_preview_and_the_recompute_page_name_the_level(client):
    world = scoring_world()
    team_scores(world, SAME)
    team_sheet = c.team_sheet_for(world.application)
    html = html_of(client, world.chair, url("team.lock", team_sheet.pk))
    assert texts(html, "result-level") == ["พื้นฐาน"]
    assert texts(html, "explanation")[0].startswith(
        "สิ่งที่ยังขาดเพื่อให้ได้ระดับก้าวหน้า: คะแนนรวมต้องได้อย่างน้อยร้อยละ 70 "
        "(ขณะนี้ได้ร้อยละ 68.75 ยังขาดอีกร้อยละ 1.25)")
    html = client.get(url("team.recompute", team_sheet.pk)).content.decode()
    assert texts(html, "result-level") == ["พื้นฐาน"]


def test_a_second_team_of_the_round_is_named_in_its_own_row(client):
    world = feedback_world()
    team, _people = feedback_team(world.round)
    add_team_sheet(accepted_application(world.round, team), team, TOP)
    html = html_of(client, world.secretariat, url("team.list", world.round.pk))
    assert sorted(texts(html, "team-level")) == ["ก้าวหน้า (75 %)", "เป็นเลิศ (100 %)"]
