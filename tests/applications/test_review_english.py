"""The desk-review screens in the English interface: the target level and the screening
checklist are in English too (they came from data with Thai names only before), and stay
Thai in the Thai interface."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.applications.domain import submit_application
from gecc.rounds.enums import localized_screening_checklist, screening_item_label
from tests.applications.factories import DURING, answer_all, make_application, make_round
from tests.conftest import sign_in
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db

ENGLISH_CHECKLIST = [
    "The application documents are complete",
    "The unit type matches the criteria applied for",
    "Every mandatory item of the self-assessment is answered",
    "The evidence opens and matches the items it is attached to",
    "The coordinator's contact details are correct and reachable",
]
THAI_CHECKLIST = [
    "เอกสารประกอบการสมัครครบถ้วน",
    "ประเภทหน่วยบริการตรงกับเกณฑ์ที่สมัคร",
    "ประเมินตนเองครบทุกข้อที่บังคับ",
    "หลักฐานเปิดอ่านได้และตรงกับข้อที่อ้างถึง",
    "ข้อมูลผู้ประสานงานถูกต้องและติดต่อได้",
]


@pytest.fixture
def reviewer(client, make_user):
    user = make_user("secretariat")
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return sign_in(client, user)


@pytest.fixture
def application():
    round_obj = make_round()
    application = make_application(round_obj, ServiceUnitFactory(), None, target_level="basic")
    answer_all(application)
    submit_application(application, None, now=DURING)
    return application


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def screening_labels(response):
    return [entry["label"] for entry, _check, _note in
            response.context["screening_form"].rows()]


def test_review_detail_in_english_shows_level_and_checklist_in_english(client, reviewer,
                                                                       application):
    english(client)
    response = client.get(reverse("applications:review.detail", args=[application.pk]))
    assert response.context["level_name"] == "Basic"
    assert screening_labels(response) == ENGLISH_CHECKLIST
    html = response.content.decode()
    assert "<dd>Basic</dd>" in html
    for label in THAI_CHECKLIST:
        assert label not in html


def test_review_detail_in_thai_keeps_level_and_checklist_in_thai(client, reviewer,
                                                                 application):
    response = client.get(reverse("applications:review.detail", args=[application.pk]))
    assert response.context["level_name"] == "พื้นฐาน"
    assert screening_labels(response) == THAI_CHECKLIST


def test_review_list_in_english_shows_the_level_in_english(client, reviewer, application):
    english(client)
    response = client.get(reverse("applications:review.list"))
    assert [a.level_name for a in response.context["applications"]] == ["Basic"]


def test_a_round_saved_before_english_labels_still_shows_them(client, reviewer, application):
    round_obj = application.round
    round_obj.screening_checklist = [{"code": entry["code"], "label": entry["label"]}
                                     for entry in round_obj.screening_checklist]
    round_obj.screening_checklist.append({"code": "signed", "label": "มีลายมือชื่อผู้บริหาร"})
    round_obj.save(update_fields=["screening_checklist"])
    english(client)
    response = client.get(reverse("applications:review.detail", args=[application.pk]))
    # the default items in English; an item the secretariat wrote only in Thai stays Thai
    assert screening_labels(response) == [*ENGLISH_CHECKLIST, "มีลายมือชื่อผู้บริหาร"]


def test_screening_item_label_rules():
    default = {"code": "documents_complete", "label": THAI_CHECKLIST[0]}
    renamed = {"code": "documents_complete", "label": "เอกสารครบ"}
    assert screening_item_label(default, "en") == ENGLISH_CHECKLIST[0]
    assert screening_item_label(default, "th") == THAI_CHECKLIST[0]
    # a default code whose Thai label the secretariat changed is not given the old English
    assert screening_item_label(renamed, "en") == "เอกสารครบ"
    assert screening_item_label({**renamed, "label_en": "Papers complete"}, "en") == \
        "Papers complete"
    assert localized_screening_checklist([default], "en") == [
        {"code": "documents_complete", "label": ENGLISH_CHECKLIST[0]}]
