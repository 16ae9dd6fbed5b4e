"""Evidence files are recognised by content, limited in size, hashed and cleaned of
location data, without touching the database."""

import hashlib
import io
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from PIL import Image

from gecc.evidence.domain.files import (
    EvidenceRejected,
    detect_type,
    prepare_upload,
    sha256_of,
)
from tests.evidence import samples

NOT_ALLOWED = ("ไม่สามารถใช้ไฟล์ประเภทนี้เป็นหลักฐานได้ "
               "ประเภทไฟล์ที่รับ: PDF, JPEG, PNG, DOCX และ XLSX")


def upload(data: bytes, name="evidence.pdf"):
    return SimpleUploadedFile(name, data)


def rejected_message(uploaded, **kwargs):
    with pytest.raises(EvidenceRejected) as caught:
        prepare_upload(uploaded, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize(("data", "expected"), [
    (samples.pdf_bytes(), "pdf"),
    (samples.jpeg_bytes(), "jpeg"),
    (samples.png_bytes(), "png"),
    (samples.docx_bytes(), "docx"),
    (samples.xlsx_bytes(), "xlsx"),
])
def test_detect_type_recognises_each_allowed_kind(data, expected):
    assert detect_type(data) == expected


@pytest.mark.parametrize("head", [
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # Windows executable
    b"\x7fELF\x02\x01\x01\x00",  # Linux executable
    b"#!/bin/sh\nrm -rf /\n",  # script
    b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32,  # legacy .doc/.xls (OLE)
    b"GIF89a\x01\x00\x01\x00",
    b"PK\x03\x04not really a zip",
    b" %PDF-1.4 with a leading space",
    b"",
])
def test_detect_type_refuses_anything_else(head):
    with pytest.raises(EvidenceRejected) as caught:
        detect_type(head)
    assert str(caught.value) == NOT_ALLOWED


def test_detect_type_refuses_a_zip_that_is_not_a_document():
    data = samples.zip_bytes(["[Content_Types].xml", "readme.txt"])
    with pytest.raises(EvidenceRejected):
        detect_type(data)


def test_detect_type_refuses_a_fake_docx_without_the_document_part():
    data = samples.zip_bytes(["[Content_Types].xml", "word/styles.xml"])
    with pytest.raises(EvidenceRejected):
        detect_type(data)


def test_detect_type_refuses_a_docx_part_without_content_types():
    data = samples.zip_bytes(["word/document.xml"])
    with pytest.raises(EvidenceRejected):
        detect_type(data)


def test_detect_type_uses_the_given_zip_names_over_the_head():
    head = samples.docx_bytes()[:4]
    assert detect_type(head, ["[Content_Types].xml", "xl/workbook.xml"]) == "xlsx"


def test_prepare_upload_refuses_an_executable_renamed_pdf():
    message = rejected_message(upload(b"MZ\x90\x00" + b"\x00" * 200, "report.pdf"))
    assert message == NOT_ALLOWED


def test_prepare_upload_refuses_a_fake_docx():
    data = samples.zip_bytes(["[Content_Types].xml", "word/styles.xml"])
    assert rejected_message(upload(data, "form.docx")) == NOT_ALLOWED


def test_prepare_upload_refuses_a_21_mb_file_before_reading_it(settings):
    settings.EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    with tempfile.TemporaryFile() as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(21 * 1024 * 1024)  # sparse: nothing is written
        handle.seek(0)
        big = UploadedFile(handle, name="big.pdf", size=21 * 1024 * 1024)
        message = rejected_message(big)
    assert message == "ไฟล์มีขนาดใหญ่เกินไป ขนาดไฟล์สูงสุดที่รับได้คือ 20 MB"


def test_prepare_upload_refuses_a_big_file_whose_announced_size_is_small(settings):
    settings.EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    with tempfile.TemporaryFile() as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(21 * 1024 * 1024)
        handle.seek(0)
        lying = UploadedFile(handle, name="big.pdf", size=1024)
        message = rejected_message(lying)
    assert message == "ไฟล์มีขนาดใหญ่เกินไป ขนาดไฟล์สูงสุดที่รับได้คือ 20 MB"


def test_prepare_upload_records_the_real_size_not_the_announced_one():
    data = samples.pdf_bytes()
    lying = UploadedFile(io.BytesIO(data), name="small.pdf", size=1)
    assert prepare_upload(lying).size == len(data)


def test_prepare_upload_names_a_configured_limit_in_mb(settings):
    settings.EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
    message = rejected_message(upload(b"%PDF-" + b"\x00" * (5 * 1024 * 1024)))
    assert message == "ไฟล์มีขนาดใหญ่เกินไป ขนาดไฟล์สูงสุดที่รับได้คือ 5 MB"


def test_prepare_upload_accepts_a_file_exactly_at_the_limit():
    data = samples.pdf_bytes()
    assert prepare_upload(upload(data), limit=len(data)).size == len(data)


def test_prepare_upload_refuses_an_empty_file():
    assert rejected_message(upload(b"")) == "ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ที่มีเนื้อหา"


@pytest.mark.parametrize(("data", "kind", "mime"), [
    (samples.pdf_bytes(), "pdf", "application/pdf"),
    (samples.docx_bytes(), "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (samples.xlsx_bytes(), "xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_prepare_upload_keeps_documents_byte_for_byte(data, kind, mime):
    prepared = prepare_upload(upload(data, "ชื่อที่ไม่ตรงกับเนื้อหา.bin"))
    assert prepared.kind == kind
    assert prepared.content_type == mime
    assert prepared.size == len(data)
    assert prepared.sha256 == hashlib.sha256(data).hexdigest()
    assert prepared.original_name == "ชื่อที่ไม่ตรงกับเนื้อหา.bin"


def test_prepare_upload_strips_the_path_from_the_original_name():
    prepared = prepare_upload(upload(samples.pdf_bytes(), "C:\\Users\\me\\รายงาน.pdf"))
    assert prepared.original_name == "รายงาน.pdf"


def stored_image(prepared):
    prepared.content.seek(0)
    return Image.open(io.BytesIO(prepared.content.read()))


def test_prepare_upload_removes_gps_from_a_jpeg():
    original = samples.jpeg_bytes()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(samples.GPS_IFD)  # precondition
    prepared = prepare_upload(upload(original, "photo.jpg"))
    image = stored_image(prepared)
    assert prepared.kind == "jpeg"
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(samples.GPS_IFD) == {}
    assert "comment" not in image.info
    assert b"Exif" not in prepared.content.read()[:4096]
    assert image.size == (40, 20)


def test_prepare_upload_applies_the_orientation_before_dropping_exif():
    prepared = prepare_upload(upload(samples.jpeg_bytes(orientation=6), "photo.jpg"))
    image = stored_image(prepared)
    assert image.size == (20, 40)  # rotated upright
    assert dict(image.getexif()) == {}


def test_prepare_upload_removes_exif_and_text_chunks_from_a_png():
    original = samples.png_bytes()
    assert Image.open(io.BytesIO(original)).text == {"Location": "18.58N 99.01E"}
    prepared = prepare_upload(upload(original, "map.png"))
    image = stored_image(prepared)
    assert prepared.kind == "png"
    assert image.text == {}
    assert dict(image.getexif()) == {}
    assert image.mode == "RGBA"


def test_prepare_upload_hashes_the_cleaned_photo_bytes():
    original = samples.jpeg_bytes()
    prepared = prepare_upload(upload(original, "photo.jpg"))
    prepared.content.seek(0)
    cleaned = prepared.content.read()
    assert cleaned != original
    assert prepared.sha256 == hashlib.sha256(cleaned).hexdigest()
    assert prepared.size == len(cleaned)


def test_prepare_upload_refuses_a_broken_jpeg():
    message = rejected_message(upload(b"\xff\xd8\xff\xe0" + b"\x00" * 100, "photo.jpg"))
    assert message == "ไม่สามารถอ่านรูปภาพนี้ได้ กรุณาอัปโหลดใหม่อีกครั้ง"


def test_sha256_of_reads_in_chunks_from_the_start():
    data = bytes(range(256)) * 1000
    uploaded = upload(data)
    uploaded.read(10)
    assert sha256_of(uploaded) == hashlib.sha256(data).hexdigest()
