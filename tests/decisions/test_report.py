"""The steering-committee report of a round's proposed results
(``gecc.decisions.domain.report``, ``decisions:report.detail/.pdf/.xlsx``): the counts by
level, province and agency, the list with the decisions, the flags with their Thai reasons
(mandatory item not met, wide team spread, calibration, open appeal), the "not ready" count,
constant query counts, the page's filters, who may read it, the Thai PDF (pdftotext) and the
XLSX workbook (sheets, escaped formula cells, audit entries)."""

import datetime
import io
import shutil
import subprocess

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from gecc.audit.models import AuditEntry
from gecc.decisions.domain.report import (
    FLAG_APPEAL,
    FLAG_CALIBRATION_ASSESSOR,
    FLAG_CALIBRATION_TEAM,
    FLAG_MANDATORY,
    FLAG_SPREAD,
    filter_rows,
    report_xlsx,
    steering_report,
)
from gecc.decisions.enums import AppealState, DecisionOutcome, MeetingState
from gecc.decisions.models import Appeal, Decision, Meeting
from gecc.registry.models import Organization
from gecc.rounds.models import Round
from gecc.scoring.enums import SheetState
from gecc.scoring.models import ItemScore, ScoreSheet, TeamSheet
from tests.scoring.factories_feedback import (
    ADVANCED,
    NO_LEVEL,
    TOP,
    accepted_application,
    add_team_sheet,
    feedback_world,
    new_team,
)

pytestmark = pytest.mark.django_db

BANGKOK = "100101"  # พระบรมมหาราชวัง, เขตพระนคร, กรุงเทพมหานคร (the factory's is Lamphun)
UNIT = "ศูนย์ราชการสะดวก อำเภอบ้านโฮ่ง"


def fresh(round_obj):
    return Round.objects.select_related("edition").get(pk=round_obj.pk)


def add_application(round_obj, values, *, locked=True, team=None, **unit_fields):
    """Another accepted application of the round on a new sub-committee (or ``team``),
    with a team sheet of ``values`` (locked unless told)."""
    if team is None:
        team, _people = new_team(round_obj)
    application = accepted_application(round_obj, team, **unit_fields)
    if values is not None:
        add_team_sheet(application, team, values, locked=locked)
    return application


def score(application, member, values, *, team=None, submitted=True):
    """One member's sheet of ``{ref: value}`` (test setup, not the sync path)."""
    from gecc.criteria.models import Node

    team = team or application.team_sheet.subcommittee
    sheet = ScoreSheet.objects.create(
        application=application, assessor=member, subcommittee=team,
        state=SheetState.SUBMITTED if submitted else SheetState.DRAFT,
        submitted_at=timezone.now() if submitted else None)
    items = {node.ref: node for node in Node.objects.filter(
        version=application.round.edition, kind="item", ref__in=list(values))}
    for ref, value in values.items():
        ItemScore.objects.create(sheet=sheet, item=items[ref], value=value)
    return sheet


def decide(application, *, outcome=DecisionOutcome.CERTIFY, level="advanced",
           closed=False):
    meeting = Meeting.objects.filter(round=application.round).first()
    if meeting is None:
        meeting = Meeting.objects.create(
            round=application.round, number=1, held_on=datetime.date(2026, 8, 20),
            state=MeetingState.CLOSED if closed else MeetingState.OPEN,
            closed_at=timezone.now() if closed else None)
    return Decision.objects.create(application=application, meeting=meeting, outcome=outcome,
                                   level=level, decided_at=timezone.now())


def appeal(decision, state=AppealState.FILED):
    coordinator = decision.application.unit.coordinators.first()
    return Appeal.objects.create(
        decision=decision, application=decision.application, state=state,
        reasons="คะแนนด้านกายภาพควรสูงกว่านี้", filed_by=coordinator,
        filed_at=timezone.make_aware(datetime.datetime(2026, 9, 1, 10, 0)),
        deadline=timezone.now() + datetime.timedelta(days=30))


@pytest.fixture
def world():
    """Three applications with a proposed result (advanced in Lamphun, no level in Lamphun
    with the mandatory P1.1 not met, excellence in Bangkok) and one not ready."""
    built = feedback_world()  # ADVANCED, Lamphun, its own organisation
    round_obj = built.round
    team = built.team  # one sub-committee: no calibration flag unless a test makes one
    built.none = add_application(round_obj, NO_LEVEL, team=team,
                                 name_th="ศูนย์ราชการสะดวก เทศบาลลี้",
                                 organization=built.unit.organization)
    built.top = add_application(round_obj, TOP, team=team, name_th="ศูนย์บริการกรุงเทพ",
                                subdistrict_id=BANGKOK)
    built.open_sheet = add_application(round_obj, ADVANCED, team=team, locked=False)
    return built


def report_of(world):
    with translation.override("th"):
        return steering_report(fresh(world.round))


# -- the counts and the list -----------------------------------------------------------------


def test_report_counts_by_level_province_and_agency(world):
    report = report_of(world)
    assert report.total == 3
    assert report.not_ready == 1
    assert [(entry.key, entry.name, entry.total) for entry in report.by_level] == [
        ("basic", "พื้นฐาน", 0), ("advanced", "ก้าวหน้า", 1), ("excellence", "เป็นเลิศ", 1),
        ("", "ไม่มีระดับ", 1)]
    assert [(entry.name, entry.total, entry.by_level) for entry in report.by_province] == [
        ("กรุงเทพมหานคร", 1, [0, 0, 1, 0]), ("ลำพูน", 2, [0, 1, 0, 1])]
    agency = world.unit.organization.name_th
    assert [(entry.name, entry.total) for entry in report.by_agency] == sorted([
        (agency, 2), (world.top.unit.organization.name_th, 1)])


def test_report_lists_each_application_with_score_level_and_decision(world):
    decide(world.application, closed=True)
    report = report_of(world)
    rows = {row.application_id: row for row in report.rows}
    assert set(rows) == {world.application.pk, world.none.pk, world.top.pk}
    advanced = rows[world.application.pk]
    assert (advanced.unit_name, advanced.agency, advanced.province, advanced.percent_text,
            advanced.level, advanced.level_name) == (
        UNIT, world.unit.organization.name_th, "ลำพูน", "75", "advanced", "ก้าวหน้า")
    assert advanced.team == "คณะที่ 1"
    decision = advanced.decision
    with translation.override("th"):
        certify = str(DecisionOutcome.CERTIFY.label)
    assert (decision.outcome_text, decision.level_name, decision.meeting, decision.final) == (
        certify, "ก้าวหน้า", f"ครั้งที่ 1/{world.round.year}", True)
    assert rows[world.top.pk].decision is None
    assert report.decided == 1


def test_report_puts_flagged_applications_first(world):
    report = report_of(world)
    assert report.rows[0].application_id == world.none.pk
    assert [row.flagged for row in report.rows] == [True, False, False]


def test_report_of_a_round_without_locked_sheets_is_empty(world):
    TeamSheet.objects.filter(application__round=world.round).update(state="open")
    report = report_of(world)
    assert (report.total, report.not_ready, report.flagged) == (0, 4, [])
    assert [entry.total for entry in report.by_level] == [0, 0, 0, 0]


def test_report_leaves_out_applications_not_accepted(world):
    type(world.top).objects.filter(pk=world.top.pk).update(state="withdrawn")
    assert world.top.pk not in {row.application_id for row in report_of(world).rows}


# -- the flags -------------------------------------------------------------------------------


def flags(report, application):
    row = next(row for row in report.rows if row.application_id == application.pk)
    return [(flag.code, flag.text) for flag in row.flags]


def test_a_mandatory_item_not_met_is_flagged_in_thai(world):
    assert flags(report_of(world), world.none) == [
        (FLAG_MANDATORY, "ไม่ผ่านข้อบังคับ: มีที่จอดรถเพียงพอ (P1.1)")]


def test_a_wide_team_spread_is_flagged_with_the_item_and_spread(world):
    members = [world.chair, world.qualified, world.secretary]
    for member, value in zip(members, (1, 4, 3), strict=True):  # P1.1: spread 3 > 2
        score(world.application, member, {"P1.1": value, "Q1.1": value and 2})
    report = report_of(world)
    spread = [text for code, text in flags(report, world.application) if code == FLAG_SPREAD]
    assert spread == ["คะแนนของกรรมการต่างกันมาก (เกิน 2 คะแนน): มีที่จอดรถเพียงพอ (P1.1) "
                      "ต่างกัน 3"]


def test_the_spread_uses_the_team_sheets_threshold_and_submitted_sheets_only(world):
    score(world.application, world.chair, {"Q1.1": 2})
    score(world.application, world.qualified, {"Q1.1": 3})
    score(world.application, world.secretary, {"Q1.1": 0}, submitted=False)  # a draft
    assert FLAG_SPREAD not in [code for code, _text in flags(report_of(world),
                                                              world.application)]
    TeamSheet.objects.filter(pk=world.team_sheet.pk).update(spread_threshold=0.5)
    assert [text for code, text in flags(report_of(world), world.application)
            if code == FLAG_SPREAD] == [
        "คะแนนของกรรมการต่างกันมาก (เกิน 0.5 คะแนน): มีช่องทางรับเรื่องร้องเรียน (Q1.1) "
        "ต่างกัน 1"]


def test_a_spread_equal_to_the_threshold_is_not_flagged(world):
    score(world.application, world.chair, {"P1.1": 1})
    score(world.application, world.qualified, {"P1.1": 3})
    assert FLAG_SPREAD not in [code for code, _text in flags(report_of(world),
                                                              world.application)]


def test_calibration_flags_teams_and_members_without_naming_them(world):
    # Team 1 (advanced = 2), team 2 (no level = 0), team 3 (excellence = 3): national mean
    # 5/3; team 2 is 1.67 below, team 3 1.33 above, team 1 0.33 above (within 0.5).
    for application in (world.none, world.top):
        TeamSheet.objects.filter(application=application).update(
            subcommittee=new_team(world.round)[0])
    score(world.application, world.chair, {"Q1.1": 1})  # z = −1
    score(world.application, world.qualified, {"Q1.1": 3})  # z = +1
    report = report_of(world)
    team_flags = {row.application_id: [text for code, text in flags(report, application)
                                       if code == FLAG_CALIBRATION_TEAM]
                  for application in (world.application, world.none, world.top)
                  for row in report.rows if row.application_id == application.pk}
    assert team_flags[world.application.pk] == []
    assert team_flags[world.none.pk] == [
        "คณะที่ 2 เสนอระดับต่ำกว่าค่าเฉลี่ยทั้งประเทศ (ต่างกัน −1.67 จากการปรับเทียบ)"]
    assert team_flags[world.top.pk] == [
        "คณะที่ 3 เสนอระดับสูงกว่าค่าเฉลี่ยทั้งประเทศ (ต่างกัน +1.33 จากการปรับเทียบ)"]
    assert [text for code, text in flags(report, world.application)
            if code == FLAG_CALIBRATION_ASSESSOR] == [
        "มีกรรมการ 2 คนที่ถูกทักในการปรับเทียบ (ให้คะแนนสูงหรือต่ำกว่ากรรมการคนอื่นมาก) "
        "เป็นผู้ให้คะแนน"]
    every_text = " ".join(flag.text for row in report.rows for flag in row.flags)
    assert world.chair.full_name not in every_text
    assert world.qualified.full_name not in every_text


def test_an_open_appeal_is_flagged_and_a_dismissed_one_is_not(world):
    appeal(decide(world.top, closed=True))
    appeal(decide(world.application, closed=True), state=AppealState.DISMISSED)
    report = report_of(world)
    with translation.override("th"):
        filed = str(AppealState.FILED.label)
    assert flags(report, world.top) == [
        (FLAG_APPEAL, f"มีการอุทธรณ์ที่ยังไม่ได้ข้อยุติ ({filed} ยื่นเมื่อ 1 กันยายน 2569)")]
    assert flags(report, world.application) == []


def test_the_report_is_in_english_in_the_english_interface(world):
    with translation.override("en"):
        report = steering_report(fresh(world.round))
    assert flags(report, world.none) == [
        (FLAG_MANDATORY, "Mandatory item not met: Enough parking (P1.1)")]
    assert report.by_level[-1].name == "No level"


# -- filters ---------------------------------------------------------------------------------


def test_filter_rows_by_province_level_and_flag(world):
    report = report_of(world)
    lamphun = world.unit.province_id
    assert {row.application_id for row in filter_rows(report, province=lamphun)} == {
        world.application.pk, world.none.pk}
    assert [row.application_id for row in filter_rows(report, level="excellence")] == [
        world.top.pk]
    assert [row.application_id for row in filter_rows(report, level="none")] == [
        world.none.pk]
    assert [row.application_id for row in filter_rows(report, flagged_only=True)] == [
        world.none.pk]
    assert filter_rows(report, province=lamphun, level="excellence") == []


# -- constant queries ------------------------------------------------------------------------


def scored_round(applications: int):
    """A round of ``applications`` applications, each on its own team, scored by two
    members, decided and appealed: every query of the report has rows to read."""
    built = feedback_world()
    round_obj = built.round
    made = [built.application]
    for _index in range(applications - 1):
        made.append(add_application(round_obj, ADVANCED))
    for application in made:
        team = application.team_sheet.subcommittee
        members = [m.user for m in team.members.order_by("pk")][:2]
        score(application, members[0], {"P1.1": 1, "Q1.1": 2})
        score(application, members[1], {"P1.1": 4, "Q1.1": 3})
        appeal(decide(application, closed=True))
    return fresh(round_obj)


def count_queries(function):
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries.captured_queries)


def test_report_query_count_does_not_grow_with_the_round():
    one, three = scored_round(1), scored_round(3)
    assert len(steering_report(one).rows) == 1
    assert len(steering_report(three).rows) == 3
    one, three = fresh(one), fresh(three)
    counts = (count_queries(lambda: steering_report(one)),
              count_queries(lambda: steering_report(three)))
    # rows, not ready, spreads, mandatory items, calibration (scores, teams, sheets,
    # locked levels), who scored what, open appeals
    assert counts[0] == counts[1] == 10


def test_report_page_query_count_does_not_grow_with_the_round(client, login_as):
    one, three = scored_round(1), scored_round(3)
    login_as("steering")
    for round_obj in (one, three):  # warm the session, the user, the roles
        client.get(reverse("decisions:report.detail", args=[round_obj.pk]))
    counts = (count_queries(lambda: client.get(
                  reverse("decisions:report.detail", args=[one.pk]))),
              count_queries(lambda: client.get(
                  reverse("decisions:report.detail", args=[three.pk]))))
    assert counts[0] == counts[1]


# -- the page --------------------------------------------------------------------------------


def page(client, world, query=""):
    return client.get(reverse("decisions:report.detail", args=[world.round.pk]) + query)


@pytest.mark.parametrize("role", ["secretariat", "steering"])
def test_the_secretariat_and_the_steering_committee_read_the_page(client, login_as, world,
                                                                  role):
    login_as(role)
    response = page(client, world)
    assert response.status_code == 200
    html = response.content.decode()
    assert "รายงานผลการประเมินที่เสนอ" in html
    assert UNIT in html
    assert "ไม่ผ่านข้อบังคับ: มีที่จอดรถเพียงพอ (P1.1)" in html
    assert response.context["row_count"] == 3
    assert [row.application_id for row in response.context["rows"]][0] == world.none.pk


@pytest.mark.parametrize("role", ["assessor", "coordinator"])
@pytest.mark.parametrize("name", ["decisions:report.detail", "decisions:report.pdf",
                                  "decisions:report.xlsx"])
def test_assessors_and_coordinators_may_not_read_it(client, login_as, world, role, name):
    login_as(role)
    assert client.get(reverse(name, args=[world.round.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action="decisions.report_exported").exists()


def test_anonymous_goes_to_sign_in(client, world):
    response = page(client, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_round_is_a_404(client, login_as, world):
    login_as("steering")
    assert client.get(reverse("decisions:report.detail", args=[999999])).status_code == 404


def test_the_page_filters_by_province_level_and_flag(client, login_as, world):
    login_as("steering")
    response = page(client, world, f"?province={world.top.unit.province_id}")
    assert [row.application_id for row in response.context["rows"]] == [world.top.pk]
    response = page(client, world, "?level=none")
    assert [row.application_id for row in response.context["rows"]] == [world.none.pk]
    response = page(client, world, "?flagged=on")
    assert [row.application_id for row in response.context["rows"]] == [world.none.pk]
    response = page(client, world, "?level=basic")
    assert response.context["row_count"] == 0
    assert 'data-testid="rows-empty"' in response.content.decode()


def test_a_bad_filter_is_shown_and_ignored(client, login_as, world):
    login_as("steering")
    response = page(client, world, "?province=abc&level=gold")
    assert response.status_code == 200
    assert response.context["row_count"] == 3
    errors = response.context["filter_form"].errors
    assert set(errors) == {"province", "level"}


def test_the_page_of_a_round_without_results_says_so(client, login_as, world):
    TeamSheet.objects.filter(application__round=world.round).update(state="open")
    login_as("secretariat")
    html = page(client, world).content.decode()
    assert "ยังไม่มีผลการประเมินที่เสนอ" in html
    assert 'data-testid="export-pdf"' not in html


# -- the XLSX workbook -----------------------------------------------------------------------


def test_the_xlsx_has_summary_applications_and_flagged_sheets(client, login_as, world):
    login_as("steering")
    response = client.get(reverse("decisions:report.xlsx", args=[world.round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Summary", "Applications", "Flagged"]
    applications = list(workbook["Applications"].iter_rows(values_only=True))
    assert applications[0][:7] == ("รหัสหน่วยบริการ", "หน่วยบริการ", "หน่วยงาน", "จังหวัด",
                                   "คณะอนุกรรมการ", "คะแนนที่เสนอ (%)", "ระดับที่เสนอ")
    assert len(applications) == 4
    assert applications[1][1] == "ศูนย์ราชการสะดวก เทศบาลลี้"  # flagged first
    assert applications[1][6] == "ไม่มีระดับ"
    flagged = list(workbook["Flagged"].iter_rows(values_only=True))
    assert flagged[1][4:] == ("ไม่ผ่านข้อบังคับ",
                              "ไม่ผ่านข้อบังคับ: มีที่จอดรถเพียงพอ (P1.1)")
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)
               if row and row[0]}
    assert summary["ยังไม่พร้อม (คณะยังไม่ล็อกแบบสรุปคะแนน)"] == 1
    assert summary["ก้าวหน้า"] == 1
    entry = AuditEntry.objects.get(action="decisions.report_exported")
    assert entry.data["format"] == "xlsx" and entry.data["rows"] == 3


def test_the_xlsx_escapes_formula_cells(world):
    type(world.unit).objects.filter(pk=world.unit.pk).update(
        name_th='=HYPERLINK("http://evil.example","ดูผล")')
    Organization.objects.filter(pk=world.unit.organization_id).update(name_th="+SUM(A1:A9)")
    with translation.override("th"):
        report = steering_report(fresh(world.round))
        content = report_xlsx(report, report.rows)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert '\'=HYPERLINK("http://evil.example","ดูผล")' in values
    assert "'+SUM(A1:A9)" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+")) for v in values)


def test_the_xlsx_takes_the_pages_filters(client, login_as, world):
    login_as("secretariat")
    response = client.get(reverse("decisions:report.xlsx", args=[world.round.pk]) +
                          "?level=excellence")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(list(workbook["Applications"].iter_rows())) == 2
    entry = AuditEntry.objects.get(action="decisions.report_exported")
    assert entry.data["filters"] == {"level": ["excellence"]}
    assert entry.data["rows"] == 1


# -- the Thai PDF ----------------------------------------------------------------------------


def pdf_text(pdf: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed for this test"
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")


def test_the_pdf_is_thai_searchable_text(client, login_as, world, tmp_path):
    decide(world.application, closed=True)
    login_as("steering")
    with translation.override("en"):  # the document is Thai whatever the interface
        response = client.get(reverse("decisions:report.pdf", args=[world.round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join([response.content])
    assert pdf.startswith(b"%PDF-")
    flat = "".join(pdf_text(pdf, tmp_path).split())

    def has(phrase):
        return "".join(phrase.split()) in flat

    assert has(f"รายงานผลการประเมินที่เสนอ · {world.round.name}")
    assert has(UNIT)  # อำเภอ: ำ copies out exactly
    assert has("จำนวนใบสมัครตามจังหวัด")  # จำนวน: ำ again
    assert has("ลำพูน") and has("กรุงเทพมหานคร")
    assert has("ไม่ผ่านข้อบังคับ: มีที่จอดรถเพียงพอ (P1.1)")
    assert has("กรณีที่ควรพิจารณาเป็นพิเศษ")
    assert has("มติคณะกรรมการ") and has("ก้าวหน้า")
    entry = AuditEntry.objects.get(action="decisions.report_exported")
    assert entry.data["format"] == "pdf" and entry.data["rows"] == 3


def test_the_pdf_page_is_a4_landscape(client, login_as, world, tmp_path):
    assert shutil.which("pdfinfo")
    login_as("secretariat")
    response = client.get(reverse("decisions:report.pdf", args=[world.round.pk]) +
                          "?flagged=on")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True,
                          text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, _x, height = size.split(":")[1].split()[:3]
    assert size.endswith("(A4)") and float(width) > float(height)  # landscape
    assert AuditEntry.objects.get(action="decisions.report_exported").data["rows"] == 1
