"""ZIP archives (DOCX/XLSX) are checked from their directory before anything unpacks them:
declared unpacked size, packing ratio, and macros."""

import io
import zipfile

import pytest

from gecc.common.files import (
    ArchiveTooLarge,
    check_archive,
    check_zip_unpacked_size,
    macro_parts,
)

MB = 1024 * 1024


def archive(members, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def test_ordinary_archive_passes_and_reports_its_unpacked_size():
    data = archive({"a.xml": b"<a/>" * 100, "b.bin": bytes(range(256)) * 10})
    summary = check_archive(data)
    assert summary.unpacked == 400 + 2560
    assert summary.names == ["a.xml", "b.bin"]


def test_declared_size_over_the_setting_is_refused(settings):
    settings.UPLOAD_ZIP_MAX_UNPACKED_BYTES = 2 * MB
    data = archive({"big.xml": b"<r>" + b"1234567890" * 300_000 + b"</r>"}, zipfile.ZIP_STORED)
    with pytest.raises(ArchiveTooLarge) as error:
        check_archive(data)
    assert error.value.reason == "size"
    assert error.value.limit == 2 * MB


def test_zip_bomb_is_refused_by_its_declared_size_without_unpacking():
    # 1 MB of zeros per member packs to about 1 kB: 120 members declare 120 MB, over the
    # 100 MB default, in an archive of a few hundred kB.
    zeros = bytes(MB)
    data = archive({f"xl/worksheets/sheet{i}.xml": zeros for i in range(120)})
    assert len(data) < 500_000
    with pytest.raises(ArchiveTooLarge) as error:
        check_zip_unpacked_size(data)
    assert error.value.reason == "size"
    assert "unpacks to 125829120 bytes" in str(error.value)


def test_compression_ratio_over_the_setting_is_refused(settings):
    settings.UPLOAD_ZIP_MAX_RATIO = 100
    data = archive({"word/document.xml": bytes(5 * MB)})  # about 1000:1
    with pytest.raises(ArchiveTooLarge) as error:
        check_archive(data)
    assert error.value.reason == "ratio"
    assert error.value.limit == 100


def test_small_archives_are_not_held_to_the_ratio():
    # 900 kB of zeros: a huge ratio, but nothing that small can hurt.
    assert check_archive(archive({"a.xml": bytes(900 * 1024)})).unpacked == 900 * 1024


def test_ratio_limit_follows_the_setting(settings):
    data = archive({"word/document.xml": bytes(5 * MB)})
    settings.UPLOAD_ZIP_MAX_RATIO = 10_000
    assert check_archive(data).unpacked == 5 * MB


def test_damaged_archive_raises_bad_zip_file():
    with pytest.raises(zipfile.BadZipFile):
        check_archive(b"PK\x03\x04 not really a zip")


def test_stream_is_left_at_its_start():
    stream = io.BytesIO(archive({"a.xml": b"<a/>"}))
    stream.seek(7)
    check_archive(stream)
    assert stream.tell() == 0
    macro_parts(stream)
    assert stream.tell() == 0


@pytest.mark.parametrize("part", ["word/vbaProject.bin", "xl/vbaProject.bin",
                                  "ppt/VBAPROJECT.BIN", "word/vbaData.xml",
                                  "xl/macrosheets/sheet1.xml"])
def test_macro_parts_are_found(part):
    data = archive({"[Content_Types].xml": b"<Types/>", part: b"\x00\x01"})
    assert macro_parts(data) == [part]


def test_macro_enabled_content_type_is_found_without_a_vba_part():
    types = (b'<Types><Override PartName="/word/document.xml" ContentType="application/'
             b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
    data = archive({"[Content_Types].xml": types, "word/document.xml": b"<w/>"})
    assert macro_parts(data) == ["[Content_Types].xml"]


def test_plain_document_has_no_macro_parts():
    types = (b'<Types><Override PartName="/word/document.xml" ContentType="application/'
             b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    assert macro_parts(archive({"[Content_Types].xml": types,
                                "word/document.xml": b"<w/>"})) == []
