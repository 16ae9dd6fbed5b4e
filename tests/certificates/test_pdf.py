"""The certificate PDF: A4 landscape, one page, searchable Thai text (pdftotext, ำ
included), the level, the number, the Buddhist-era dates and the verification address; the
same text every time it is printed, one at a time or in bulk."""

import shutil
import subprocess

import pytest

from gecc.certificates.domain.issue import issue_certificate
from gecc.certificates.domain.pdf import (
    certificate_html,
    certificate_pdf,
    certificate_pdfs,
    colour_of,
    printable,
)
from gecc.certificates.models import Certificate
from tests.certificates.factories_issue import certify_world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


def pdf_info(pdf: bytes) -> str:
    return subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


@pytest.fixture
def certificate():
    built = certify_world(name_th="ศูนย์ราชการสะดวก อำเภอบ้านโฮ่ง")
    return issue_certificate(built.decision, built.secretariat)


def test_certificate_pdf_is_one_a4_landscape_page(certificate):
    info = pdf_info(certificate_pdf(certificate))
    assert "Pages:           1" in info
    assert "Page size:       841.92 x 594.96 pts (A4)" in info


def test_certificate_pdf_text_is_thai_and_searchable(certificate):
    text = " ".join(pdf_text(certificate_pdf(certificate)).split())
    assert "สำนักงานปลัดสำนักนายกรัฐมนตรี" in text  # ำ copies out as one character
    assert "ประกาศนียบัตร" in text
    assert "ศูนย์ราชการสะดวก อำเภอบ้านโฮ่ง" in text
    assert certificate.organization.name_th in text
    assert "ระดับก้าวหน้า" in text
    assert f"ประจำปี พ.ศ. {certificate.year}" in text
    assert "มีผลตั้งแต่วันที่ 20 สิงหาคม 2569 ถึงวันที่ 19 สิงหาคม 2572" in text
    assert f"เลขที่ {certificate.number}" in text
    assert f"http://testserver/verify/{certificate.number}/" in text
    assert "\u0e4d\u0e32" not in text  # never nikhahit + sara aa for sara am


def test_certificate_regenerated_gives_the_same_text(certificate):
    first = pdf_text(certificate_pdf(certificate))
    certificate.refresh_from_db()
    second = pdf_text(certificate_pdf(certificate))
    assert first == second
    assert "สำนักงาน" in first


def test_bulk_print_gives_the_same_text_as_one_print(certificate):
    single = pdf_text(certificate_pdf(certificate))
    [(printed, pdf)] = list(certificate_pdfs(printable(Certificate.objects.all())))
    assert printed == certificate
    assert pdf_text(pdf) == single


def test_certificate_html_carries_the_level_colour_and_the_qr(certificate):
    html = certificate_html(certificate)
    assert colour_of(certificate) == "#7d8288"
    assert "border: 3mm solid #7d8288" in html
    assert '<svg role="img" ' in html
    assert "<img" not in html


def test_renewal_certificate_names_the_one_it_renews(certificate):
    newer = certify_world()
    type(newer.application).objects.filter(pk=newer.application.pk).update(
        previous=certificate.application)
    renewal = issue_certificate(newer.decision, newer.secretariat)
    text = " ".join(pdf_text(certificate_pdf(renewal)).split())
    assert f"ต่ออายุจากใบรับรองเลขที่ {certificate.number}" in text
