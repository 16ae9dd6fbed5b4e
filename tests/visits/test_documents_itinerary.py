"""The printed itinerary (Thai PDF through headless Chromium): its text, extracted with
pdftotext, holds the title, the units in Thai, the stop numbers and Buddhist-era dates."""

import shutil
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from gecc.visits.domain import confirm_itinerary, plan_itinerary, set_day_hotel
from gecc.visits.domain.documents import (
    TEMPLATE,
    itinerary_document_context,
    itinerary_filename,
    itinerary_pdf,
)
from tests.visits.factories import LAMPHUN, near, team_with_units

pytestmark = pytest.mark.django_db

NAMES = ["ศูนย์ราชการสะดวก อำเภอเมืองลำพูน", "ศูนย์ราชการสะดวก สำนักงานที่ดินจังหวัดลำพูน",
         "ศูนย์ราชการสะดวก เทศบาลตำบลบ้านธิ"]


def pdf_text(pdf: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed for this test"
    path = tmp_path / "itinerary.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")


@pytest.fixture
def itinerary(round_obj, secretariat):
    team, _apps = team_with_units(round_obj, count=3, days=2, per_day=2, names=NAMES)
    itinerary = plan_itinerary(team, secretariat)
    hotel = near(LAMPHUN, 20)
    set_day_hotel(itinerary.days.order_by("date").first(), "โรงแรมหริภุญชัย", hotel[0],
                  hotel[1], secretariat)
    itinerary.refresh_from_db()
    return itinerary


def test_the_document_html_has_every_part(itinerary):
    html = render_to_string(TEMPLATE, itinerary_document_context(itinerary))
    assert "กำหนดการตรวจประเมินศูนย์ราชการสะดวก คณะที่ 5" in html
    assert "วันที่ 1 · วันจันทร์ที่ 8 มิถุนายน 2569" in html
    assert "วันที่ 2 · วันอังคารที่ 9 มิถุนายน 2569" in html
    for name in NAMES:
        assert name in html
    assert "หน่วยที่ 1" in html and "หน่วยที่ 3" in html
    assert "พักรับประทานอาหารกลางวัน" in html
    assert "ออกเดินทางจาก ศาลากลางจังหวัดลำพูน" in html
    assert "ถึง โรงแรมหริภุญชัย" in html  # the first night's hotel
    assert "นายประธาน คณะที่5" in html and "ประธาน" in html
    assert "053 511 000" in html  # the application's contact phone
    assert "<script" not in html


def test_the_pdf_text_holds_the_units_in_thai(itinerary, tmp_path):
    pdf = itinerary_pdf(itinerary)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    assert "กำหนดการตรวจประเมินศูนย์ราชการสะดวก คณะที่ 5" in text
    assert "8 มิถุนายน 2569" in text
    assert "หน่วยที่ 1" in text
    # A long name may wrap inside its table cell: compare without the line breaks.
    flat = "".join(text.split())
    for name in NAMES:
        assert "".join(name.split()) in flat


def test_a_member_downloads_the_confirmed_itinerary_pdf(client, itinerary, secretariat,
                                                        make_user):
    url = reverse("visits:itinerary.pdf", kwargs={"pk": itinerary.pk})
    member = itinerary.subcommittee.members.first().user
    client.force_login(member)
    assert client.get(url).status_code == 404  # a draft is the secretariat's only
    confirm_itinerary(itinerary, secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    client.force_login(make_user("assessor"))  # not on this team
    assert client.get(url).status_code == 404


def test_file_name_is_thai_with_team_and_year(itinerary):
    assert itinerary_filename(itinerary) == "กำหนดการตรวจประเมิน-คณะที่-5-2569.pdf"
