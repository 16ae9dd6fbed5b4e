"""The calibration page and its XLSX export (``scoring:calibration.round``,
``scoring:calibration.export``): the secretariat only, the figures of the hand-computed case
(``tests/scoring/test_calibration.py``), thresholds from the query string, the empty state,
the export's cells and audit entry, a query count that does not grow with the round."""

import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.audit.models import AuditEntry
from tests.scoring.factories_calibration import (
    NA,
    build_hand_case,
    give_scores,
    lock_result,
    scored_round,
)

pytestmark = pytest.mark.django_db


def page_url(round_obj, **params):
    url = reverse("scoring:calibration.round", args=[round_obj.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def export_url(round_obj, query=""):
    return reverse("scoring:calibration.export", args=[round_obj.pk]) + query


SESSION_QUERIES = 4  # the session, the user, the second factor (whatever the round)


@pytest.fixture
def hand_case():
    """Three members X, Y, Z; leniency (1 + √6)/4, −(1 + √1.5)/4, −1/√6 (worked out in
    ``tests/scoring/factories_calibration.build_hand_case``)."""
    return build_hand_case()


@pytest.fixture
def empty_round():
    return scored_round(teams=1, applications=1, members=2).round


# Who may read it.

@pytest.mark.parametrize("role", ["assessor", "coordinator", "steering"])
@pytest.mark.parametrize("name", ["scoring:calibration.round", "scoring:calibration.export"])
def test_only_the_secretariat_may_read_it(client, login_as, empty_round, role, name):
    login_as(role)
    assert client.get(reverse(name, args=[empty_round.pk])).status_code == 403


@pytest.mark.parametrize("name", ["scoring:calibration.round", "scoring:calibration.export"])
def test_anonymous_goes_to_sign_in(client, empty_round, name):
    response = client.get(reverse(name, args=[empty_round.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_team_member_of_the_round_is_refused(client, hand_case):
    client.force_login(hand_case.x)
    assert client.get(page_url(hand_case.round)).status_code == 403


def test_an_unknown_round_is_404(client, login_as):
    login_as("secretariat")
    assert client.get(reverse("scoring:calibration.round", args=[999999])).status_code == 404
    assert client.get(reverse("scoring:calibration.export", args=[999999])).status_code == 404


# The page.

def test_empty_round_shows_the_empty_state(client, login_as, empty_round):
    login_as("secretariat")
    response = client.get(page_url(empty_round))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="calibration-empty"' in content
    assert 'data-testid="assessor-table"' not in content
    assert "calibration-chart-data" not in content  # no chart, no script


def test_page_shows_the_hand_computed_figures(client, login_as, hand_case):
    login_as("secretariat")
    response = client.get(page_url(hand_case.round))
    assert response.status_code == 200
    rows = [(row.name, row.leniency_text, row.cells, row.flagged)
            for row in response.context["result"].assessors]
    assert rows == [(hand_case.x.full_name, "+0.86", 4, True),
                    (hand_case.y.full_name, "−0.56", 4, True),
                    (hand_case.z.full_name, "−0.41", 3, False)]
    content = response.content.decode()
    assert content.count('data-testid="assessor-row"') == 3
    assert content.count("ถูกทำเครื่องหมาย: ให้คะแนนสูงกว่ากรรมการร่วมคณะ") == 1
    assert content.count("ถูกทำเครื่องหมาย: ให้คะแนนต่ำกว่ากรรมการร่วมคณะ") == 1
    assert 'role="img"' in content and 'id="leniency-chart"' in content
    assert "vendor/chartjs/chart.umd.min.js" in content
    assert "scoring/calibration/calibration.js" in content


def test_chart_data_travels_as_json(client, login_as, hand_case):
    login_as("secretariat")
    content = client.get(page_url(hand_case.round)).content.decode()
    start = content.index('<script id="calibration-chart-data" type="application/json">')
    body = content[start:].split(">", 1)[1].split("</script>", 1)[0]
    data = json.loads(body)
    assert data["assessors"]["values"] == [0.8624, -0.4082, -0.5562]  # most lenient first
    assert data["assessors"]["flagged"] == [True, False, True]
    assert data["assessors"]["threshold"] == 0.5
    assert data["teams"]["labels"] == []  # no locked result yet


def test_thresholds_come_from_the_query_string(client, login_as, hand_case):
    login_as("secretariat")
    response = client.get(page_url(hand_case.round, z="0.6"))
    assert [row.flagged for row in response.context["result"].assessors] == [
        True, False, False]
    assert 'value="0.6"' in response.content.decode()


def test_default_thresholds_come_from_settings(client, login_as, hand_case, settings):
    settings.CALIBRATION_Z_THRESHOLD = 0.9
    login_as("secretariat")
    response = client.get(page_url(hand_case.round))
    assert response.context["result"].flagged_assessors == []
    assert 'placeholder="0.9"' in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "-1", "99"])
def test_a_bad_threshold_is_explained_and_the_default_used(client, login_as, hand_case, bad):
    login_as("secretariat")
    response = client.get(page_url(hand_case.round, z=bad))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="error-z"' in content
    assert f'value="{bad}"' in content  # what was typed stays in the box
    assert response.context["result"].z_threshold == 0.5


def test_order_by_name(client, login_as, hand_case):
    login_as("secretariat")
    response = client.get(page_url(hand_case.round, order="name"))
    names = [row.name for row in response.context["result"].assessors]
    assert names == sorted(names)


def test_team_table_with_levels(client, login_as):
    world = scored_round(teams=2, applications=2, members=2)
    first, second = world.teams
    for application in world.applications[first.pk]:
        lock_result(application, "excellence", 90)
    for application in world.applications[second.pk]:
        lock_result(application, "basic", 60)
    login_as("secretariat")
    response = client.get(page_url(world.round, level="0.9"))
    rows = [(row.name, row.mean_level, row.difference_text, row.flagged)
            for row in response.context["result"].teams]
    assert rows == [(first.display_name, 3.0, "+1.00", True),
                    (second.display_name, 1.0, "−1.00", True)]
    content = response.content.decode()
    assert 'data-testid="national-level">2.00<' in content
    assert 'id="level-chart"' in content
    assert 'data-testid="assessors-empty"' in content  # levels but no scores


@pytest.mark.parametrize("applications", [1, 3])
def test_page_query_count_does_not_grow(client, login_as, applications):
    world = scored_round(teams=2, applications=applications, members=3)
    for team in world.teams:
        for application in world.applications[team.pk]:
            for score, member in enumerate(world.members[team.pk]):
                give_scores(application, member, {"P1.1": score, "Q1.1": NA})
            lock_result(application, "advanced", 75)
    login_as("secretariat")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(world.round))
    assert response.status_code == 200
    assert len(response.context["result"].assessors) == 6
    own = [q["sql"] for q in queries.captured_queries
           if "scoring_" in q["sql"] or "committees_" in q["sql"] or "rounds_" in q["sql"]]
    # The round (with its edition), the scores, the teams, the members, the results.
    assert len(own) == 5
    assert len(queries) == 5 + SESSION_QUERIES


# The export.

def test_export_is_an_xlsx_with_three_sheets(client, login_as, hand_case):
    lock_result(hand_case.applications[hand_case.teams[0].pk][0], "advanced", 75.5)
    login_as("secretariat")
    response = client.get(export_url(hand_case.round, "?z=0.6"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="calibration-{hand_case.round.year}-')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Assessors", "Sub-committees", "Parameters"]

    assessors = [list(row) for row in workbook["Assessors"].iter_rows(values_only=True)]
    assert assessors[0] == ["ผู้ประเมิน", "อีเมล", "คณะอนุกรรมการ", "จำนวนคะแนนที่เป็นตัวเลข",
                            "คะแนนเฉลี่ย", "จำนวนช่องที่เปรียบเทียบ", "ความผ่อนปรน (ค่า z เฉลี่ย)",
                            "ถูกทำเครื่องหมาย"]
    x = assessors[1]
    assert x[:4] == [hand_case.x.full_name, hand_case.x.email,
                     hand_case.teams[0].display_name, 4]
    assert x[4] == 3.25 and x[5] == 4 and x[6] == pytest.approx(0.8623724357, abs=1e-9)
    assert x[7] == "ใช่"
    assert [row[7] for row in assessors[2:]] == ["ไม่ใช่", "ไม่ใช่"]  # z threshold 0.6

    teams = [list(row) for row in workbook["Sub-committees"].iter_rows(values_only=True)]
    assert teams[0][3:7] == ["ไม่มีระดับ", "พื้นฐาน", "ก้าวหน้า", "เป็นเลิศ"]
    assert teams[1][:8] == [hand_case.teams[0].number, hand_case.teams[0].display_name, 1,
                            0, 0, 1, 0, 2]
    assert teams[1][9] == 0 and teams[1][10] == 75.5
    assert teams[2][1:4] == ["ทั้งประเทศ", 1, 0]

    parameters = dict(workbook["Parameters"].iter_rows(min_row=2, values_only=True))
    assert parameters["เกณฑ์ความผ่อนปรน (|ค่า z เฉลี่ย|)"] == 0.6
    assert parameters["เกณฑ์ระดับ (|ผลต่างของระดับเฉลี่ย|)"] == 0.5
    assert parameters["จำนวนคะแนนที่อ่าน"] == 11
    assert parameters["ดัชนีระดับ"] == "0 = ไม่มีระดับ, 1 = พื้นฐาน, 2 = ก้าวหน้า, 3 = เป็นเลิศ"


def test_export_is_logged(client, login_as, hand_case):
    user = login_as("secretariat")
    client.get(export_url(hand_case.round, "?z=0.6"))
    entry = AuditEntry.objects.get(action="scoring.calibration_exported")
    assert entry.actor == user
    assert entry.object_id == str(hand_case.round.pk)
    assert entry.data == {"format": "xlsx", "rows": 4, "z_threshold": 0.6,
                          "level_threshold": 0.5, "filters": {"z": ["0.6"]}}


def test_export_text_never_becomes_a_formula(client, login_as):
    world = scored_round(applications=1, members=2)
    team = world.teams[0]
    x, y = world.members[team.pk]
    x.full_name = "=HYPERLINK(\"http://evil\")"
    x.save(update_fields=["full_name"])
    give_scores(world.applications[team.pk][0], x, {"P1.1": 1})
    give_scores(world.applications[team.pk][0], y, {"P1.1": 2})
    login_as("secretariat")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(export_url(world.round)).content))
    cell = next(row[0] for row in workbook["Assessors"].iter_rows(min_row=2)
                if str(row[0].value).startswith("="))
    assert cell.data_type == "s"
