"""Office files with macros, "zip bombs" and over-long file names: refused or shortened with a
Thai message, never stored and never a bare English error."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY
from django.urls import reverse

from gecc.applications.enums import ApplicationState
from gecc.evidence.domain.files import EvidenceRejected, prepare_upload, shorten_name
from gecc.evidence.models import EvidenceFile
from tests.conftest import sign_in
from tests.evidence import samples

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
RAW_MULTIPART = f"multipart/form-data;boundary={BOUNDARY}"
MACROS = ("ไฟล์ Office นี้มีมาโคร ซึ่งอาจเรียกใช้โค้ดที่เป็นอันตรายได้ กรุณาบันทึกเป็นไฟล์ที่ไม่มีมาโคร "
          "(.docx หรือ .xlsx หรือเป็น PDF) แล้วอัปโหลดอีกครั้ง")
NAME_TOO_LONG = ("ชื่อไฟล์ยาวเกินไป กรุณาเปลี่ยนชื่อไฟล์ให้สั้นลง (ไม่เกินประมาณ 200 ตัวอักษร) "
                 "แล้วอัปโหลดอีกครั้ง")


def with_member(data: bytes, name: str, content: bytes = b"\xd0\xcf\x11\xe0") -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def upload_url(answer):
    return reverse("evidence:file.upload", kwargs={"answer_id": answer.pk})


@pytest.mark.parametrize("data", [
    pytest.param(with_member(samples.docx_bytes(), "word/vbaProject.bin"), id="docm"),
    pytest.param(with_member(samples.xlsx_bytes(), "xl/vbaProject.bin"), id="xlsm"),
])
def test_office_file_with_a_vba_project_is_refused(data):
    with pytest.raises(EvidenceRejected) as error:
        prepare_upload(SimpleUploadedFile("รายงาน.docx", data))
    assert str(error.value) == MACROS


def test_office_file_declaring_a_macro_enabled_type_is_refused():
    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
             '2006/content-types"><Override PartName="/xl/workbook.xml" ContentType='
             '"application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(EvidenceRejected) as error:
        prepare_upload(SimpleUploadedFile("งบ.xlsx", buffer.getvalue()))
    assert str(error.value) == MACROS


def test_plain_docx_and_xlsx_are_still_accepted():
    assert prepare_upload(SimpleUploadedFile("a.docx", samples.docx_bytes())).kind == "docx"
    assert prepare_upload(SimpleUploadedFile("a.xlsx", samples.xlsx_bytes())).kind == "xlsx"


def bomb(unpacked_mb: int) -> bytes:
    """A DOCX of a few hundred kB whose parts declare ``unpacked_mb`` MB of zeros."""
    buffer = io.BytesIO()
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", samples.CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w/>")
        for number in range(unpacked_mb):
            archive.writestr(f"word/media/padding{number}.xml", zeros)
    return buffer.getvalue()


def test_zip_bomb_docx_is_refused_by_its_declared_size():
    data = bomb(110)
    assert len(data) < 1024 * 1024
    with pytest.raises(EvidenceRejected) as error:
        prepare_upload(SimpleUploadedFile("รายงาน.docx", data))
    assert str(error.value) == (
        "ไฟล์นี้เมื่อคลายการบีบอัดมีขนาดเกิน 100 MB ซึ่งเกินกว่าที่กำหนด "
        "กรุณาบันทึกไฟล์ใหม่ เช่น เป็น PDF แล้วอัปโหลดอีกครั้ง")


def test_docx_packed_more_than_the_ratio_is_refused(settings):
    settings.UPLOAD_ZIP_MAX_RATIO = 100
    with pytest.raises(EvidenceRejected) as error:
        prepare_upload(SimpleUploadedFile("รายงาน.docx", bomb(5)))  # about 1000:1
    assert "มากกว่า 100 เท่า" in str(error.value)


def test_macro_upload_through_the_page_shows_the_thai_message(client, coordinator, answer):
    sign_in(client, coordinator)
    data = with_member(samples.docx_bytes(), "word/vbaProject.bin")
    response = client.post(upload_url(answer),
                           {"file": SimpleUploadedFile("แบบฟอร์ม.docx", data)}, **HTMX)
    assert response.status_code == 200
    assert MACROS in response.content.decode()
    assert not EvidenceFile.objects.exists()


# Over-long file names ----------------------------------------------------------------------

def test_shorten_name_keeps_the_extension():
    name = "ก" * 300 + ".pdf"
    short = shorten_name(name)
    assert len(short) == 255
    assert short.endswith("….pdf")
    assert shorten_name("สั้น.pdf") == "สั้น.pdf"


def test_a_long_name_is_stored_shortened(coordinator, answer):
    prepared = prepare_upload(SimpleUploadedFile("ร" * 240 + ".pdf", samples.pdf_bytes()))
    assert len(prepared.original_name) == 244  # within 255: kept whole
    prepared = prepare_upload(SimpleUploadedFile("ร" * 270 + ".pdf", samples.pdf_bytes()))
    assert len(prepared.original_name) == 255
    assert prepared.original_name.endswith(".pdf")


def multipart_with_file_name(name: str) -> bytes:
    """A multipart body as a browser sends it, the file name in raw UTF-8."""
    return (f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode() + samples.pdf_bytes() + (
        f"\r\n--{BOUNDARY}--\r\n").encode()


# 350 Thai letters are 1,050 bytes: more than the 1 KB Django allows a part's headers.
LONG_NAME = "รายงานผลการประเมิน" * 20 + ".pdf"


def test_over_long_file_name_with_htmx_answers_a_thai_message(client, coordinator, answer):
    sign_in(client, coordinator)
    response = client.post(upload_url(answer), multipart_with_file_name(LONG_NAME),
                           content_type=RAW_MULTIPART, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#htmx-message-text"
    assert NAME_TOO_LONG in response.content.decode()
    assert "data-error-message" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_over_long_file_name_without_htmx_answers_a_thai_page(client, coordinator, answer):
    sign_in(client, coordinator)
    back = reverse("portal:application.assessment", kwargs={"pk": answer.application_id})
    response = client.post(upload_url(answer), multipart_with_file_name(LONG_NAME),
                           content_type=RAW_MULTIPART, HTTP_REFERER=f"http://testserver{back}")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bad Request" not in body
    assert NAME_TOO_LONG in body
    assert f'href="http://testserver{back}"' in body
    assert '<html lang="th">' in body


def test_upload_to_an_application_sent_elsewhere_says_so(client, coordinator, answer):
    sign_in(client, coordinator)
    type(answer.application).objects.filter(pk=answer.application_id).update(
        state=ApplicationState.SUBMITTED)
    response = client.post(upload_url(answer), {
        "file": SimpleUploadedFile("a.pdf", samples.pdf_bytes())}, **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "ใบสมัครนี้ถูกยื่นจากแท็บอื่นหรืออุปกรณ์อื่นแล้ว" in body
    assert "data-error-message" in body
    assert 'class="evidence-upload"' not in body  # no upload form left to try again
    assert not EvidenceFile.objects.exists()
