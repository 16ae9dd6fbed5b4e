"""Reading a criteria file: the one way in for every path that takes one (the upload form,
``manage.py load_criteria``, ``manage.py evaluate``), so a bad file is refused with the same
words everywhere and nothing is stored.

``read_criteria_bytes(data, name, rows=None)`` → the criteria document (a dict, validated
later by ``parse_edition``), or a ``CriteriaError`` with one issue at ``(file)`` naming what
is wrong with the file itself:

* ``file_type``: the name does not end in ``.yaml``, ``.yml`` or ``.xlsx``;
* ``too_large``: more than ``MAX_BYTES`` (2 MB);
* ``empty``: no bytes, or only white space;
* ``binary``: a YAML file holding NUL bytes (a picture, a PDF, a workbook renamed .yaml);
* ``encoding``: a YAML file that is not UTF-8 (a Thai legacy encoding such as Windows-874 /
  TIS-620 is named as such, with how to save the file again);
* ``truncated``: a YAML file that ends in the middle of a UTF-8 character;
* ``not_workbook``: an ``.xlsx`` that is not a workbook at all (another kind of file
  renamed); ``damaged_workbook``: one that cannot be read to its end (damaged or cut off);
  ``bad_workbook`` (from ``excel.read_workbook``): one openpyxl cannot open.

Malformed YAML gives its line and column (``yaml_io.read_yaml_text``); everything else is
the validation's business (``parse_edition``), with the same paths on every way in.
``issue_lines(error, document, rows)`` gives the lines the commands print: the path, the
reason and the place in words.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from django.utils.translation import gettext as _

from gecc.criteria.domain.parse import CriteriaError, Issue

from .excel import read_workbook
from .locations import describe_issues
from .yaml_io import read_yaml_text

MAX_BYTES = 2 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")
XLSX_SUFFIX = ".xlsx"
ZIP_MAGIC = b"PK\x03\x04"
THAI = range(0x0E01, 0x0E5C)


def _refuse(code, message):
    return CriteriaError([Issue("(file)", code, message)])


def _looks_like_thai_legacy(data: bytes) -> bool:
    """Whether undecodable bytes read as Thai text in Windows-874 (a superset of TIS-620)."""
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        return False
    return sum(1 for char in text if ord(char) in THAI) >= 3


def _yaml_text(data: bytes) -> str:
    if b"\x00" in data:
        raise _refuse("binary", _("the file is not text (it holds binary data): choose the "
                                  "YAML file of the edition, saved as UTF-8 text"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            raise _refuse("truncated", _(
                "the file ends in the middle of a character: it looks cut off; save or "
                "copy it again in full")) from exc
        if _looks_like_thai_legacy(data):
            raise _refuse("encoding", _(
                "the file is not UTF-8: it looks saved in a Thai legacy encoding "
                "(Windows-874 / TIS-620); open it in a text editor and save it again with "
                "the encoding UTF-8")) from exc
        raise _refuse("encoding", _(
            "the file is not UTF-8 text (byte %(position)s cannot be read); save it again "
            "with the encoding UTF-8") % {"position": exc.start + 1}) from exc


def read_criteria_bytes(data: bytes, name: str, rows: dict | None = None) -> dict:
    """The criteria document in ``data`` (the file's bytes), named ``name``; see the module
    docstring for what is refused. ``rows`` as for ``excel.read_workbook``."""
    suffix = Path(name or "").suffix.lower()
    if suffix not in (*YAML_SUFFIXES, XLSX_SUFFIX):
        raise _refuse("file_type", _("choose a .yaml, .yml or .xlsx file"))
    if len(data) > MAX_BYTES:
        raise _refuse("too_large", _("the file is larger than 2 MB"))
    if not data.strip():
        raise _refuse("empty", _("the file is empty"))
    if suffix == XLSX_SUFFIX:
        if not data.startswith(ZIP_MAGIC):
            raise _refuse("not_workbook", _(
                "the file is not an Excel workbook (.xlsx): save the workbook again as "
                "\"Excel Workbook (.xlsx)\""))
        if not zipfile.is_zipfile(BytesIO(data)):  # begins as a workbook, its end is missing
            raise _refuse("damaged_workbook", _(
                "the workbook cannot be read: it looks damaged or cut off (%(error)s)")
                % {"error": "no ZIP directory"})
        try:
            return read_workbook(data, rows=rows)
        except CriteriaError:
            raise
        except Exception as exc:  # noqa: BLE001 - openpyxl and zipfile raise many types
            raise _refuse("damaged_workbook", _(
                "the workbook cannot be read: it looks damaged or cut off (%(error)s)")
                % {"error": exc.__class__.__name__}) from exc
    document = read_yaml_text(_yaml_text(data))
    if document is None:  # only comments
        raise _refuse("empty", _("the file is empty"))
    return document


def read_criteria_file(path, rows: dict | None = None) -> dict:
    """``read_criteria_bytes`` of the file at ``path`` (``FileNotFoundError`` when there is
    none); a file larger than ``MAX_BYTES`` is refused before it is read."""
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise _refuse("too_large", _("the file is larger than 2 MB"))
    return read_criteria_bytes(path.read_bytes(), path.name, rows=rows)


def issue_lines(error: CriteriaError, document=None, rows=None) -> list[str]:
    """One line per issue: the machine path first (what scripts grep for), then the reason
    and the place in words, as the upload page shows them (``locations.describe_issues``)."""
    return [f"{located.path}: {located.message} [{located.where}]"
            for located in describe_issues(error.issues, document, rows or {})]
