"""The feedback report (issue 12, point 6): what it says, the Thai PDF, who reads it, and its
release to the unit (one application or a whole round) with the e-mail to the coordinators.

The world (``tests/scoring/factories_feedback.py``): a branch unit scored P1.1 = 3, P1.2 = 1,
Q1.1 = 2 by its team → 75% overall, ด้านกายภาพ 83.33%, ด้านคุณภาพ 50%, level ก้าวหน้า; the
next level, เป็นเลิศ, needs 85% overall and 80% on Q1. Findings on P1.1 and Q1.1, none on
P1.2."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from gecc.audit.models import AuditEntry
from gecc.committees.enums import ConflictKind
from gecc.committees.models import Conflict
from gecc.notifications.models import OutboxMessage
from gecc.scoring.domain.feedback import (
    PDF_TEMPLATE,
    feedback_filename,
    feedback_pdf,
    feedback_report,
    percent_text,
    releasable_team_sheets,
    release_feedback,
    release_round_feedback,
)
from gecc.scoring.models import TeamSheet
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.scoring.factories_feedback import (
    NO_LEVEL,
    TOP,
    accepted_application,
    add_team_sheet,
    feedback_world,
    new_team,
)

pytestmark = pytest.mark.django_db

UNIT = "ศูนย์ราชการสะดวก อำเภอบ้านโฮ่ง"
P11_STRENGTH = "ที่จอดรถกว้างขวาง มีช่องจอดสำหรับผู้พิการ"
Q11_IMPROVE = "ควรติดตามผลการร้องเรียนและแจ้งผู้ร้องภายใน 15 วัน"


@pytest.fixture
def world():
    return feedback_world(visit_date=datetime.date(2026, 6, 9))


def detail_url(team_sheet):
    return reverse("scoring:feedback.detail", args=[team_sheet.pk])


# -- what the report says ----------------------------------------------------------------------


def test_percent_text_keeps_at_most_two_decimals_without_trailing_zeros():
    assert [percent_text(v) for v in (75.0, 83.33, 62.5, 0.0, None)] == \
        ["75", "83.33", "62.5", "0", "–"]


def test_the_report_holds_the_result_by_category_and_criterion(world):
    report = feedback_report(world.team_sheet)
    assert report.unit.name_th == UNIT
    assert report.team_name == "คณะที่ 1"
    assert report.visit_date == datetime.date(2026, 6, 9)
    assert report.overall_text == "75"
    assert report.level_name == "ก้าวหน้า"
    assert [(c.ref, c.name, c.percent_text) for c in report.categories] == \
        [("P", "ด้านกายภาพ", "83.33"), ("Q", "ด้านคุณภาพ", "50")]
    assert [(k.ref, k.percent_text) for c in report.categories for k in c.criteria] == \
        [("P1", "83.33"), ("Q1", "50")]
    assert report.mandatory_failed == []


def test_the_next_level_up_says_what_is_missing_in_thai(world):
    report = feedback_report(world.team_sheet)
    assert report.next_level_name == "เป็นเลิศ"
    assert report.next_level_missing == [
        "คะแนนรวมต้องได้อย่างน้อยร้อยละ 85 (ขณะนี้ได้ร้อยละ 75 ยังขาดอีกร้อยละ 10)",
        "การรับเรื่องร้องเรียน (Q1): ต้องได้อย่างน้อยร้อยละ 80 (ขณะนี้ได้ร้อยละ 50 "
        "ยังขาดอีกร้อยละ 30)",
    ]


def test_the_next_level_reads_in_english_in_the_english_interface(world):
    with translation.override("en"):
        report = feedback_report(world.team_sheet)
    assert report.level_name == "Advanced"
    assert report.next_level_missing[0] == ("An overall score of at least 85% (now 75%, 10 "
                                            "points short).")


def test_a_failed_mandatory_item_leaves_no_level_and_is_the_first_thing_to_fix():
    world = feedback_world(NO_LEVEL)
    report = feedback_report(world.team_sheet)
    assert report.level_name == ""
    assert [(item.ref, item.text) for item in report.mandatory_failed] == \
        [("P1.1", "มีที่จอดรถเพียงพอ")]
    assert report.next_level_name == "พื้นฐาน"
    assert report.next_level_missing == [
        "ต้องผ่านตัวชี้วัดบังคับทุกข้อ: ยังไม่ผ่าน 1 ข้อ (มีที่จอดรถเพียงพอ (P1.1))"]


def test_the_highest_level_has_nothing_above_it():
    report = feedback_report(feedback_world(TOP).team_sheet)
    assert (report.level_name, report.next_level_name, report.next_level_missing) == \
        ("เป็นเลิศ", "", [])


def test_only_items_with_findings_are_listed_under_their_criterion(world):
    report = feedback_report(world.team_sheet)
    findings = [(c.ref, k.ref, f.ref, f.strengths, f.improvements)
                for c in report.categories for k in c.criteria for f in k.findings]
    assert findings == [
        ("P", "P1", "P1.1", P11_STRENGTH, "ควรเพิ่มป้ายบอกทางไปที่จอดรถ"),
        ("Q", "Q1", "Q1.1", "", Q11_IMPROVE),
    ]
    assert report.findings_count == 2


def test_item_scores_are_left_out_unless_asked(world, settings):
    report = feedback_report(world.team_sheet)
    assert [f.score for c in report.categories for k in c.criteria for f in k.findings] == \
        ["", ""]
    report = feedback_report(world.team_sheet, include_scores=True)
    assert [f.score for c in report.categories for k in c.criteria for f in k.findings] == \
        ["3 / 4", "2 / 4"]
    settings.SCORING_FEEDBACK_ITEM_SCORES = True
    assert feedback_report(world.team_sheet).include_scores is True


def test_no_visit_date_without_a_confirmed_itinerary():
    from tests.scoring.factories_feedback import add_visit

    world = feedback_world()
    assert feedback_report(world.team_sheet).visit_date is None
    add_visit(world.application, world.team, datetime.date(2026, 6, 9), confirmed=False)
    assert feedback_report(world.team_sheet).visit_date is None


def test_the_report_reads_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(4):  # the sheet, the criteria tree, the team's items, visit
        feedback_report(world.team_sheet)


def test_the_html_never_names_a_member(world):
    with translation.override("th"):
        html = render_to_string(PDF_TEMPLATE, {"report": feedback_report(world.team_sheet,
                                                                         include_scores=True),
                                               "printed_at": None})
    for member in [*world.members, world.assistant]:
        assert member.full_name not in html
    assert "<script" not in html
    assert "ข้อเด่น:" in html and P11_STRENGTH in html
    assert "ข้อควรปรับปรุง:" in html and Q11_IMPROVE in html
    assert "มีป้ายบอกทาง" not in html  # P1.2: no finding


# -- the Thai PDF ------------------------------------------------------------------------------


def pdf_text(pdf: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed for this test"
    path = tmp_path / "feedback.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")


def test_the_pdf_text_extracts_as_thai(world, tmp_path):
    pdf = feedback_pdf(world.team_sheet)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    flat = "".join(text.split())  # long lines wrap inside table cells

    def has(phrase):
        return "".join(phrase.split()) in flat

    assert has(f"รายงานผลการตรวจประเมินและข้อเสนอแนะ: {UNIT}")
    assert has("ผลการประเมินที่เสนอ")
    assert has("คะแนนรวม: 75%")
    assert has("ระดับที่เสนอ: ก้าวหน้า")
    assert has("สิ่งที่ยังขาดเพื่อให้ได้ระดับเป็นเลิศ:")
    assert has("ด้านกายภาพ") and has("83.33")
    assert has("9 มิถุนายน 2569")  # the visit date, Buddhist era
    assert has(P11_STRENGTH) and has(Q11_IMPROVE)
    assert has("ข้อควรปรับปรุง")  # ำ/า copy out exactly (the reason for Chromium)


def test_the_pdf_file_name_is_thai_with_unit_code_and_year(world):
    application = world.application
    assert feedback_filename(world.team_sheet) == \
        f"ผลการตรวจประเมิน-{application.unit.code}-{application.round.year}.pdf"


# -- release -----------------------------------------------------------------------------------


def test_release_opens_the_report_to_the_unit_audits_and_emails_the_coordinators(world):
    released = release_feedback(world.team_sheet, world.secretariat)
    assert released.feedback_released_at is not None
    assert released.feedback_released_by == world.secretariat
    entry = AuditEntry.objects.get(action="scoring.feedback_released")
    assert entry.actor == world.secretariat
    assert entry.object_id == str(world.team_sheet.pk)
    assert entry.data["to"] == [world.coordinator.email]
    message = OutboxMessage.objects.get(event="scoring.feedback_released")
    assert message.to == [world.coordinator.email]
    link = "http://testserver" + reverse("portal:application.feedback",
                                         args=[world.application.pk])
    assert link in message.body_text
    assert UNIT in message.subject
    assert "รายงานผลการตรวจประเมิน" in message.subject
    assert "contact@unit.go.th" not in message.to  # the coordinators, who can sign in


def test_a_second_release_is_refused_and_changes_nothing(world):
    first = release_feedback(world.team_sheet, world.secretariat)
    with pytest.raises(ValidationError) as refused:
        release_feedback(world.team_sheet, world.secretariat)
    assert refused.value.code == "already_released"
    assert "เผยแพร่แล้วเมื่อ" in refused.value.messages[0]
    world.team_sheet.refresh_from_db()
    assert world.team_sheet.feedback_released_at == first.feedback_released_at
    assert AuditEntry.objects.filter(action="scoring.feedback_released").count() == 1
    assert OutboxMessage.objects.filter(event="scoring.feedback_released").count() == 1


def test_an_open_team_sheet_cannot_be_released():
    world = feedback_world(locked=False)
    with pytest.raises(ValidationError) as refused:
        release_feedback(world.team_sheet, world.secretariat)
    assert refused.value.code == "not_locked"
    assert "ยังไม่ได้ล็อก" in refused.value.messages[0]
    assert not AuditEntry.objects.filter(action="scoring.feedback_released").exists()
    assert not OutboxMessage.objects.filter(event="scoring.feedback_released").exists()


def test_the_system_can_release_without_a_person(world):
    """As the closing of the steering committee's meeting will (issue 13)."""
    released = release_feedback(world.team_sheet, None)
    assert released.feedback_released_by is None
    entry = AuditEntry.objects.get(action="scoring.feedback_released")
    assert (entry.actor, entry.actor_label) == (None, "system")


def round_of_sheets(world):
    """In ``world``'s round: a second locked sheet, an open one, a released one."""
    team, _people = new_team(world.round)
    locked = add_team_sheet(accepted_application(world.round, team), team)
    open_sheet = add_team_sheet(accepted_application(world.round, team), team, locked=False)
    released = add_team_sheet(accepted_application(world.round, team), team, released=True)
    return locked, open_sheet, released


def test_releasing_a_round_releases_every_locked_report_not_yet_released(world):
    locked, open_sheet, released = round_of_sheets(world)
    elsewhere = feedback_world(secretariat=world.secretariat)  # another round
    assert list(releasable_team_sheets(world.round)) == [world.team_sheet, locked]
    done = release_round_feedback(world.round, world.secretariat)
    assert [sheet.pk for sheet in done] == [world.team_sheet.pk, locked.pk]
    states = dict(TeamSheet.objects.values_list("pk", "feedback_released_at"))
    assert states[open_sheet.pk] is None
    assert states[elsewhere.team_sheet.pk] is None
    assert states[released.pk] == released.feedback_released_at  # untouched
    assert AuditEntry.objects.filter(action="scoring.feedback_released").count() == 2
    assert OutboxMessage.objects.filter(event="scoring.feedback_released").count() == 2


def test_releasing_a_round_refuses_a_list_that_changed(world):
    locked, _open, _released = round_of_sheets(world)
    with pytest.raises(ValidationError) as refused:
        release_round_feedback(world.round, world.secretariat,
                               team_sheets=[world.team_sheet.pk])
    assert refused.value.code == "list_changed"
    assert not TeamSheet.objects.filter(pk__in=[world.team_sheet.pk, locked.pk],
                                        feedback_released_at__isnull=False).exists()


# -- the pages ---------------------------------------------------------------------------------


def test_the_web_page_shows_the_report_in_thai(client, world):
    sign_in(client, world.secretariat)
    response = client.get(detail_url(world.team_sheet))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"รายงานผลการตรวจประเมินและข้อเสนอแนะ: {UNIT}" in html
    assert "ระดับที่เสนอ:" in html and "ก้าวหน้า" in html
    assert '<span data-testid="feedback-overall">75%</span>' in html
    assert "ยังไม่ได้เผยแพร่ให้หน่วยบริการ" in html
    assert 'data-testid="release-link"' in html
    assert "3 / 4" not in html
    html = client.get(detail_url(world.team_sheet) + "?scores=1").content.decode()
    assert "(คะแนนของคณะ 3 / 4)" in html


def test_the_pdf_view_sends_the_rendered_file(client, world, monkeypatch):
    calls = []

    def fake_pdf(team_sheet, *, include_scores=None, request=None):
        calls.append(include_scores)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr("gecc.scoring.views.feedback.feedback_pdf", fake_pdf)
    sign_in(client, world.chair)
    response = client.get(reverse("scoring:feedback.pdf", args=[world.team_sheet.pk]) +
                          "?scores=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert calls == [True]


def test_the_release_page_confirms_then_releases(client, world):
    url = reverse("scoring:feedback.release", args=[world.team_sheet.pk])
    sign_in(client, world.secretariat)
    page = client.get(url)
    assert page.status_code == 200
    assert world.coordinator.email in page.content.decode()
    assert TeamSheet.objects.get(pk=world.team_sheet.pk).feedback_released_at is None
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == detail_url(world.team_sheet)
    assert TeamSheet.objects.get(pk=world.team_sheet.pk).feedback_released_at is not None
    again = client.post(url)
    assert again.status_code == 409
    assert "รายงานนี้เผยแพร่แล้วเมื่อ" in again.content.decode()
    assert OutboxMessage.objects.filter(event="scoring.feedback_released").count() == 1


def test_the_release_page_of_an_open_sheet_says_why_and_has_no_button(client):
    world = feedback_world(locked=False)
    sign_in(client, world.secretariat)
    html = client.get(reverse("scoring:feedback.release",
                              args=[world.team_sheet.pk])).content.decode()
    assert "ยังไม่ได้ล็อกแบบสรุปคะแนนของคณะ" in html
    assert 'data-testid="release"' not in html


def test_the_round_page_lists_then_releases_exactly_what_it_listed(client, world):
    locked, open_sheet, _released = round_of_sheets(world)
    url = reverse("scoring:feedback.release_round", args=[world.round.pk])
    sign_in(client, world.secretariat)
    page = client.get(url)
    assert page.status_code == 200
    assert [s.pk for s in page.context["sheets"]] == [world.team_sheet.pk, locked.pk]
    stale = client.post(url, {"team_sheet": [world.team_sheet.pk]})
    assert stale.status_code == 409
    assert "รายการรายงานที่จะเผยแพร่เปลี่ยนไป" in stale.content.decode()
    assert client.post(url, {"team_sheet": ["x"]}).status_code == 400
    done = client.post(url, {"team_sheet": [world.team_sheet.pk, locked.pk]})
    assert done.status_code == 302
    assert set(TeamSheet.objects.filter(feedback_released_at__isnull=True)
               .values_list("pk", flat=True)) == {open_sheet.pk}


@pytest.mark.parametrize("count", [1, 3])
def test_the_round_page_reads_in_the_same_queries_for_1_and_3_reports(client, count,
                                                                      django_assert_num_queries):
    world = feedback_world()
    team, _people = new_team(world.round)
    for _ in range(count - 1):
        add_team_sheet(accepted_application(world.round, team), team)
    sign_in(client, world.secretariat)
    url = reverse("scoring:feedback.release_round", args=[world.round.pk])
    client.get(url)  # warm the session and the permission caches
    with django_assert_num_queries(QUERIES_ROUND_PAGE):
        response = client.get(url)
    assert len(response.context["sheets"]) == count


QUERIES_ROUND_PAGE = 6


# -- who may do what ---------------------------------------------------------------------------

OK, HIDDEN, DENIED, LOGIN = 200, 404, 403, 302
ROLES = ("anonymous", "secretariat", "chair", "assistant", "conflicted", "other_team",
         "coordinator", "steering")
#                 anon   secr  chair   assistant conflicted other_team coordinator steering
TABLE = {
    "detail":        (LOGIN, OK, OK, OK, HIDDEN, HIDDEN, DENIED, OK),
    "pdf":           (LOGIN, OK, OK, OK, HIDDEN, HIDDEN, DENIED, DENIED),
    "release":       (LOGIN, OK, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
    "release_round": (LOGIN, OK, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
}
# Before the team sheet is locked there is no report: nobody but the secretariat's release
# page (which says why) sees anything.
TABLE_OPEN = {
    "detail":        (LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "pdf":           (LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "release":       (LOGIN, OK, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
    "release_round": (LOGIN, OK, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
}


def person(world, role):
    if role == "anonymous":
        return None
    if role == "conflicted":
        user = world.qualified
        Conflict.objects.create(round=world.round, user=user, unit=world.unit,
                                kind=ConflictKind.DECLARED, reason="เป็นญาติกับหัวหน้าหน่วย")
        return user
    if role == "other_team":
        _team, people = new_team(world.round)
        return people["chair"]
    if role == "steering":
        return UserFactory(roles=["steering"])
    return getattr(world, role)


def urls(world):
    pk = world.team_sheet.pk
    return {"detail": reverse("scoring:feedback.detail", args=[pk]),
            "pdf": reverse("scoring:feedback.pdf", args=[pk]),
            "release": reverse("scoring:feedback.release", args=[pk]),
            "release_round": reverse("scoring:feedback.release_round",
                                     args=[world.round.pk])}


@pytest.mark.parametrize("locked", [True, False], ids=["locked", "open"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(client, monkeypatch, role, locked):
    monkeypatch.setattr("gecc.scoring.views.feedback.feedback_pdf",
                        lambda *args, **kwargs: b"%PDF-1.7 fake")
    world = feedback_world(locked=locked)
    user = person(world, role)
    if user is not None:
        sign_in(client, user)
    table = TABLE if locked else TABLE_OPEN
    got = {name: client.get(url).status_code for name, url in urls(world).items()}
    expected = {name: row[ROLES.index(role)] for name, row in table.items()}
    assert got == expected


@pytest.mark.parametrize("role", ["chair", "coordinator", "steering"])
def test_only_the_secretariat_may_release(client, world, role):
    user = person(world, role)
    sign_in(client, user)
    for url in (reverse("scoring:feedback.release", args=[world.team_sheet.pk]),
                reverse("scoring:feedback.release_round", args=[world.round.pk])):
        assert client.post(url, {"team_sheet": [world.team_sheet.pk]}).status_code == 403
    assert TeamSheet.objects.get(pk=world.team_sheet.pk).feedback_released_at is None
