"""Rendering: Thai first, English below, whatever language is active."""

import pytest
from django.utils import translation

from gecc.notifications.domain import UnknownEventError, render_email
from gecc.notifications.domain.render import TEXT_SEPARATOR
from tests.notifications.factories import JUNE_8_2020, application_context

EVENTS = ["application.submitted", "application.resubmitted", "application.returned",
          "application.accepted", "application.rejected"]


def thai_and_english(text):
    thai, english = text.split(TEXT_SEPARATOR)
    return thai, english


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("active", ["th", "en"])
def test_every_event_renders_thai_first_then_english_whatever_language_is_active(event, active):
    with translation.override(active):
        email = render_email(event, application_context())
    thai, english = thai_and_english(email.body_text)
    assert thai.startswith("เรียน ผู้ประสานงานหน่วยบริการ")
    assert english.startswith("Dear unit coordinator,")
    assert "หน่วยบริการ: ศูนย์ราชการสะดวก อำเภอเมืองลำพูน" in thai
    assert "Service unit: Mueang Lamphun District Office" in english
    assert "https://gecc.example/portal/applications/7/" in thai
    assert email.body_html.index('<div lang="th">') < email.body_html.index('<div lang="en">')
    assert email.language == "th"
    thai_subject, english_subject = email.subject.split(" / ")
    assert "2563" in thai_subject and "round 2563" in english_subject


def test_active_language_is_restored_after_rendering():
    with translation.override("en"):
        render_email("application.submitted", application_context())
        assert translation.get_language() == "en"


def test_submitted_subject_is_thai_then_english():
    email = render_email("application.submitted", application_context())
    assert email.subject == "ได้รับใบสมัครแล้ว รอบปี 2563 / Application received: round 2563"


def test_returned_lists_the_comments_and_the_deadline_in_buddhist_era_in_thai():
    context = application_context(comments=["แนบภาพถ่ายทางลาด", "ระบุเวลาเปิดทำการ"],
                                  deadline=JUNE_8_2020)
    email = render_email("application.returned", context)
    thai, english = thai_and_english(email.body_text)
    assert "รายการที่ต้องแก้ไข:\n- แนบภาพถ่ายทางลาด\n- ระบุเวลาเปิดทำการ\n" in thai
    assert "ภายในวันที่ 8 มิถุนายน 2563" in thai
    assert "2020" not in thai
    assert "What to correct:\n- แนบภาพถ่ายทางลาด\n- ระบุเวลาเปิดทำการ\n" in english
    assert "submit it again by: 8 June 2563 BE" in english  # Buddhist era in English too
    assert "2020" not in english
    assert "<li>แนบภาพถ่ายทางลาด</li><li>ระบุเวลาเปิดทำการ</li>" in email.body_html
    assert "8 มิถุนายน 2563" in email.body_html and "8 June 2563 BE" in email.body_html


def test_returned_without_deadline_or_comments_leaves_those_lines_out():
    email = render_email("application.returned", application_context())
    assert "รายการที่ต้องแก้ไข" not in email.body_text
    assert "ภายในวันที่" not in email.body_text
    assert "What to correct" not in email.body_text


def test_rejected_gives_the_reason_in_both_parts():
    email = render_email("application.rejected",
                         application_context(reason="ไม่มีผู้ให้บริการประจำจุด"))
    thai, english = thai_and_english(email.body_text)
    assert "เหตุผล: ไม่มีผู้ให้บริการประจำจุด" in thai
    assert "Reason: ไม่มีผู้ให้บริการประจำจุด" in english


def test_html_escapes_values_and_text_does_not():
    context = application_context(reason="<b>A & B</b>")
    email = render_email("application.rejected", context)
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in email.body_html
    assert "<b>A & B</b>" not in email.body_html
    assert "Reason: <b>A & B</b>" in email.body_text


def test_english_part_falls_back_to_the_thai_unit_name():
    context = application_context()
    context["unit"].name_en = ""
    _, english = thai_and_english(render_email("application.accepted", context).body_text)
    assert "Service unit: ศูนย์ราชการสะดวก อำเภอเมืองลำพูน" in english


def test_path_url_becomes_absolute_with_site_url(settings):
    settings.SITE_URL = "https://gecc.example/"
    email = render_email("application.submitted", application_context(url="/portal/7/"))
    assert "https://gecc.example/portal/7/" in email.body_text


@pytest.mark.parametrize("event", ["application.unknown", "nonsense", "", "../application"])
def test_unknown_event_is_a_clear_error(event):
    with pytest.raises(UnknownEventError, match="event"):
        render_email(event, application_context())
