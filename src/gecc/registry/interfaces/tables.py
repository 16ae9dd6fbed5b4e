"""Reading an uploaded table: XLSX (recognised by content, not name) or CSV in UTF-8, UTF-8
with BOM or Windows-874/TIS-620, with a size limit checked before parsing."""

import csv
import io
import os
import re
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from gecc.common.csvexport import unescape_cell
from gecc.common.files import MAX_UNPACKED_BYTES, check_zip_unpacked_size

ZIP_MAGIC = b"PK\x03\x04"
# Binary formats people upload by mistake: legacy .xls/.doc, PDF, images, gzip, 7z, rar.
BINARY_MAGIC = (b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8",
                b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")

# What the members of an XLSX may add up to once decompressed: a real registry workbook is a
# few MB of XML, a "zip bomb" of a few MB can unpack to gigabytes.
MAX_UNCOMPRESSED_BYTES = MAX_UNPACKED_BYTES


# A Thai vowel or tone mark is written after a Thai letter. Latin-1/Windows-1252 text decoded
# as Windows-874 turns its accented letters into such marks after a Latin letter, a digit or
# a space: "Café" reads "Caf\u0e49".
STRAY_THAI_MARK = re.compile(r"(?<![\u0e01-\u0e4f])[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
# A compressed XLSX row takes at least this many bytes; used only when a sheet has no size.
XLSX_BYTES_PER_ROW = 50
# UTF-16/UTF-32 text (Excel's "Unicode Text") and binary files have NUL bytes all through
# them: more than this many, or more than one byte in a hundred, in the first 8 KB means the
# file is not CSV text at all. Fewer is a stray NUL in a cell, which the row check refuses
# with its row and column.
MAX_NULS_IN_TEXT = 16
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileRejected(Exception):
    """The file cannot be read: as a whole, or from ``row`` (spreadsheet numbering, header = 1)
    on."""

    def __init__(self, message, row=None):
        super().__init__(message)
        self.row = row


class Table:
    """The rows of an uploaded table (header first) and a rough count of the data rows after
    the header, for a progress bar; iterate it once, then ``close()`` it."""

    def __init__(self, rows, estimated_rows, close=None):
        self._rows = iter(rows)
        self.estimated_rows = max(int(estimated_rows or 0), 0)
        self._close = close

    def __iter__(self):
        return self._rows

    def __next__(self):
        return next(self._rows)

    def close(self):
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def _file_size(file):
    if isinstance(file, bytes | bytearray):
        return len(file)
    if isinstance(file, str | Path):
        return os.path.getsize(file)
    size = getattr(file, "size", None)
    if size is not None:
        return size
    try:
        position = file.tell()
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(position)
        return size
    except (AttributeError, OSError):
        return None


def read_bytes(file, limit):
    size = _file_size(file)
    too_big = FileRejected(
        _("The file is larger than %(limit)s MB; split it into smaller files.")
        % {"limit": f"{limit / (1024 * 1024):g}"})
    if size is not None and size > limit:
        raise too_big
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, str | Path):
        with open(file, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise too_big
    return data


def file_name(file):
    if isinstance(file, str | Path):
        return Path(file).name
    return Path(getattr(file, "name", "") or "").name


def _xlsx_table(data):
    import openpyxl

    not_a_workbook = FileRejected(_("The file is not a readable XLSX workbook."))
    try:
        check_zip_unpacked_size(data, MAX_UNCOMPRESSED_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):  # ArchiveTooLarge included
        raise not_a_workbook from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        size = sheet.max_row  # from the sheet's <dimension>; None when it has none
    except Exception:  # noqa: BLE001 - any failure means the archive is not a workbook
        raise not_a_workbook from None
    estimated = size - 1 if size and size > 1 else len(data) // XLSX_BYTES_PER_ROW

    def rows():
        try:
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    return Table(rows(), estimated, close=workbook.close)


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        raise FileRejected(_("The file is neither UTF-8 nor Windows-874 (TIS-620) text; save "
                             "it as CSV UTF-8 or as XLSX.")) from None
    stray = STRAY_THAI_MARK.search(text)
    if stray:
        raise FileRejected(
            _("The file is not Thai Windows-874 text: line %(line)s has a Thai vowel or tone "
              "mark after a character that is not Thai, which is how Latin-1 or Windows-1252 "
              "text (such as “Café”) reads as Windows-874. Accepted encodings: UTF-8, UTF-8 "
              "with BOM, Windows-874 (TIS-620); save it as CSV UTF-8 or as XLSX.")
            % {"line": text.count("\n", 0, stray.start()) + 1})
    return text


def _csv_rows(reader):
    """The rows of a CSV reader; a row the csv module cannot read (a cell over its field
    limit, ``csv.field_size_limit()``, 131,072 characters) stops the file with its row
    number rather than an error in English."""
    row_no = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                message = _("A cell is longer than %(limit)s characters; no cell of this file "
                            "can be that long.") % {"limit": f"{csv.field_size_limit():,}"}
            else:
                message = _("This row cannot be read as CSV; save the file again as CSV UTF-8 "
                            "or as XLSX.")
            raise FileRejected(message, row=row_no + 1) from None
        row_no += 1
        yield row


def _csv_table(data):
    sample = data[:8192]
    if (any(data.startswith(magic) for magic in BINARY_MAGIC + UTF16_BOMS)
            or sample.count(b"\x00") > min(MAX_NULS_IN_TEXT, len(sample) // 100)):
        raise FileRejected(_("Unknown file type: upload an XLSX workbook or a CSV file."))
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    return Table(_csv_rows(csv.reader(io.StringIO(text, newline=""), dialect)), lines - 1)


def open_table(data) -> Table:
    """The rows of cell values in XLSX or CSV bytes, header first. Raises ``FileRejected``
    for a file that is not a workbook or not text in an accepted encoding."""
    if data.startswith(ZIP_MAGIC):
        return _xlsx_table(data)
    return _csv_table(data)


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    # "'=x" is how the system's own CSV exports escape a formula (gecc.common.csvexport):
    # read back as "=x", so an exported file imported again changes nothing.
    return unescape_cell(str(value)).strip()
