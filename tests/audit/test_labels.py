"""Audit titles and values in words (issue 10, point 4): every action code written in src/
has a human title, field names have labels, values are formatted for people."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from gecc.audit.domain import display_value, field_label, summarize
from gecc.audit.labels import ACTION_LABELS, action_label
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from tests.audit.factories import make_entry

SRC = Path(__file__).resolve().parents[2] / "src" / "gecc"

# A literal code as the first argument of the audit writers (the call may wrap after "(").
CALL = re.compile(r"\b(?:log_action|log_export|build_entry)\(\s*\"([a-z_]+\.[a-z_]+)\"")
# Codes passed on by a helper: round phases (_set_phase), the registry import's per-record
# code (action = "..."), the application transitions table (AUDIT_ACTIONS).
PASSED_ON = re.compile(
    r"(?:_set_phase\([^)]*?|\baction = |A\.[A-Z]+: )\"([a-z_]+\.[a-z_]+)\"", re.S)


def codes_in_source() -> set[str]:
    codes = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        codes.update(CALL.findall(text))
        codes.update(PASSED_ON.findall(text))
    return codes


def test_the_scan_finds_the_codes_of_every_kind_of_call():
    codes = codes_in_source()
    # a direct call, a call wrapped after "(", a phase change, an import's per-record code,
    # an application transition, an export
    assert {"user.login", "user.locked", "round.opened", "unit.imported",
            "application.withdrawn", "audit.exported"} <= codes
    assert len(codes) >= 50


def test_every_action_code_in_the_source_has_a_human_title():
    missing = sorted(code for code in codes_in_source() if code not in ACTION_LABELS)
    assert missing == []


def test_every_title_is_translated_to_thai():
    with translation.override("th"):
        untranslated = [code for code, label in ACTION_LABELS.items()
                        if str(label) == str(label).encode("ascii", "ignore").decode()]
    assert untranslated == []


def test_titles_in_both_languages():
    with translation.override("th"):
        assert action_label("application.answer_saved") == "บันทึกคำตอบการประเมินตนเอง"
    with translation.override("en"):
        assert action_label("application.answer_saved") == "Self-assessment answer saved"
    assert action_label("made.up") == "made.up"


def test_field_names_get_labels_in_both_languages():
    with translation.override("th"):
        assert [field_label(None, name) for name in
                ("self_score", "explanation", "item", "revision")] == [
            "คะแนนประเมินตนเอง", "คำอธิบาย", "ข้อ", "ฉบับแก้ไขที่"]
    with translation.override("en"):
        assert field_label(None, "self_score") == "Self-assessment score"


def test_values_are_formatted_for_people():
    with translation.override("th"):
        assert display_value("2027-06-22T09:00:00+07:00") == "22 มิถุนายน 2570 09:00 น."
        assert display_value("2027-06-22T02:00:00+00:00") == "22 มิถุนายน 2570 09:00 น."
        # a date-only deadline (the end of that day) is shown as its date
        assert display_value("2026-12-20T23:59:59.999999+07:00") == "20 ธันวาคม 2569"
        assert display_value("2026-12-20") == "20 ธันวาคม 2569"
        assert display_value(True) == "ใช่"
        assert display_value(False) == "ไม่ใช่"
        assert display_value(None) == "—"
        assert display_value("desk_review", "phase", Round) == str(
            RoundPhase.DESK_REVIEW.label)
        assert display_value("desk_review", "phase", Round) != "desk_review"
        assert display_value("ไม่ใช่วันที่") == "ไม่ใช่วันที่"
    with translation.override("en"):
        assert display_value("2027-06-22T09:00:00+07:00") == "22 June 2570 BE 09:00"
        assert display_value(True) == "Yes"


def test_round_history_summary_in_words():
    data = {"before": {"announcement_at": "2027-06-15T09:00:00+07:00"},
            "after": {"announcement_at": "2027-06-22T09:00:00+07:00"}}
    label = field_label(Round, "announcement_at")
    with translation.override("th"):
        assert summarize(data, model=Round) == (
            f"{label}: 15 มิถุนายน 2570 09:00 น. → 22 มิถุนายน 2570 09:00 น.")


@pytest.mark.django_db
def test_history_shows_the_title_with_the_code_small_beside_it(make_user):
    secretariat = make_user("secretariat")
    target = make_user("coordinator")
    make_entry("application.answer_saved", actor=secretariat, obj=target,
               before={"self_score": 1}, after={"self_score": 3},
               data={"item": "P1.1", "revision": 2})
    request = RequestFactory().get("/")
    request.user = secretariat
    with translation.override("th"):
        html = Template("{% load audit %}{% audit_history obj %}").render(
            Context({"obj": target, "request": request}))
    assert ('<span class="audit-action-label">บันทึกคำตอบการประเมินตนเอง</span> '
            '<small class="audit-code muted"><code>application.answer_saved</code></small>'
            in html)
    assert "คะแนนประเมินตนเอง: 1 → 3" in html
    assert "self_score" not in html


@pytest.mark.django_db
def test_audit_list_filter_by_code_still_works_and_shows_titles(client, make_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import sign_in

    secretariat = make_user("secretariat")
    TOTPDevice.objects.create(user=secretariat, name="test", confirmed=True)
    sign_in(client, secretariat)
    make_entry("round.dates_changed", actor=secretariat,
               before={"announcement_at": "2027-06-15T09:00:00+07:00"},
               after={"announcement_at": "2027-06-22T09:00:00+07:00"})
    make_entry("user.login", actor=secretariat, data={"second_factor": True})
    html = client.get("/staff/audit/", {"action": "round."}).content.decode()
    assert "แก้ไขกำหนดการของรอบการประเมิน" in html
    assert "<code>round.dates_changed</code>" in html
    assert "user.login" not in html
    assert "2027-06-22T09:00:00+07:00" not in html
    assert "22 มิถุนายน 2570 09:00 น." in html


def test_audit_export_file_name_is_in_the_buddhist_era():
    from gecc.common.thaidate import format_be_stamp

    assert format_be_stamp(datetime.date(2026, 12, 20)) == "25691220"
