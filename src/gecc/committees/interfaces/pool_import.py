"""Import the assessor pool from an XLSX or CSV file, with the registry import's rules.

The file is read by the registry's readers (``gecc.registry.interfaces.tables``: XLSX by
content, CSV in UTF-8/UTF-8 with BOM/Windows-874, size limit, control characters), and the
errors are the registry's ``RowError`` (spreadsheet row, header = 1; column; reason in
Thai). **One bad row imports nothing.**

Columns (row 1; order does not matter, unknown columns are ignored; Thai headers accepted):

``email`` (required; the key), ``full_name`` (required for a person without an account),
``affiliation_code`` (a registered organisation's code) or ``affiliation_text`` (outside
the registry), ``home_province`` (required: DOPA code or Thai name), ``expertise``
(separated by ``;``), ``phone``, ``max_visits_per_day`` (1–10, empty = 4),
``unavailable_dates`` (Buddhist-era ``dd/mm/yyyy`` separated by ``;``).

A person with no account gets one with the assessor role (and an invitation e-mail); an
existing account gets the role if it lacks it; an existing profile is updated with the
columns the file has (a column left out leaves that field as it is); ``full_name`` never
renames an existing account. ``parse_pool(file)`` checks everything and writes nothing;
``apply_pool(preview, actor)`` writes every row in one transaction (``assessor.created`` /
``assessor.updated`` per person, one ``assessors.imported`` with the counts).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action
from gecc.committees.domain.profiles import (
    clean_profile_values,
    create_profile,
    ensure_assessor_user,
    update_profile,
)
from gecc.committees.interfaces.forms import parse_be_list
from gecc.committees.models import AssessorProfile
from gecc.geography.models import Province
from gecc.registry.domain.validation import validate_email
from gecc.registry.interfaces.import_rows import CONTROL_CHARACTERS, RowError
from gecc.registry.interfaces.importers import max_import_bytes
from gecc.registry.interfaces.tables import FileRejected, cell, file_name, open_table, read_bytes
from gecc.registry.models import Organization

POOL_COLUMNS = ["email", "full_name", "affiliation_code", "affiliation_text", "home_province",
                "expertise", "phone", "max_visits_per_day", "unavailable_dates"]
REQUIRED_COLUMNS = ["email", "home_province"]
ALIASES = {
    "อีเมล": "email", "อีเมล์": "email",
    "ชื่อ-นามสกุล": "full_name", "ชื่อ นามสกุล": "full_name", "ชื่อ": "full_name",
    "รหัสหน่วยงาน": "affiliation_code", "รหัสหน่วยงานต้นสังกัด": "affiliation_code",
    "สังกัด": "affiliation_text", "สังกัดภายนอก": "affiliation_text",
    "จังหวัด": "home_province", "จังหวัดที่พักอาศัย": "home_province",
    "ความเชี่ยวชาญ": "expertise", "โทรศัพท์": "phone", "เบอร์โทรศัพท์": "phone",
    "จำนวนแห่งสูงสุดต่อวัน": "max_visits_per_day",
    "วันที่ไม่สะดวก": "unavailable_dates",
}
# Profile fields and the file column that feeds each.
SOURCES = {"affiliation": "affiliation_code", "affiliation_text": "affiliation_text",
           "home_province": "home_province", "expertise": "expertise", "phone": "phone",
           "max_visits_per_day": "max_visits_per_day",
           "unavailable_dates": "unavailable_dates"}
NAME_MAX = 200


@dataclass
class PoolPreview:
    file_name: str = ""
    rows: list = field(default_factory=list)  # cleaned dicts, each with "_row"
    errors: list = field(default_factory=list)  # RowError
    present: frozenset = frozenset()

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class PoolResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0

    def as_dict(self):
        return {"created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "new_accounts": self.accounts_created}


def canonical_column(title) -> str | None:
    raw = str(title or "").strip().lstrip("\ufeff").strip()
    key = raw.lower().replace(" ", "_")
    if key in POOL_COLUMNS:
        return key
    return ALIASES.get(raw)


def split_list(text) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


class _RowChecker:
    """Checks one row after another against what the database holds (read once)."""

    def __init__(self, preview):
        self.preview = preview
        self.organizations = {code.casefold(): pk for code, pk in
                              Organization.objects.values_list("code", "pk")}
        self.provinces = {}
        for code, name_th, name_en in Province.objects.values_list("code", "name_th",
                                                                   "name_en"):
            for key in (code, name_th, name_th.removeprefix("จังหวัด"), name_en.casefold()):
                self.provinces[key] = code
        self.known_emails = {email.lower() for email in
                             get_user_model().objects.values_list("email", flat=True)}
        self.seen = {}

    def error(self, row, column, message, value=""):
        self.preview.errors.append(RowError(row, column, str(message), str(value)[:50]))

    def province(self, text):
        text = text.strip()
        return (self.provinces.get(text) or self.provinces.get(text.removeprefix("จังหวัด"))
                or self.provinces.get(text.casefold()))

    def check(self, row_no, raw):
        for column, value in raw.items():
            if CONTROL_CHARACTERS.search(value):
                self.error(row_no, column, _("The cell contains a control character, which "
                                             "no text here may hold; remove it from the "
                                             "file."))
                raw[column] = CONTROL_CHARACTERS.sub("", value)
        clean = {"_row": row_no}
        email = raw.get("email", "").strip().lower()
        if not email:
            self.error(row_no, "email", _("This column is required."))
        else:
            try:
                validate_email(email)
            except ValidationError as exc:
                self.error(row_no, "email", " ".join(exc.messages), email)
            if email in self.seen:
                self.error(row_no, "email", _("%(email)s appears more than once in the file "
                                              "(first on row %(first)s).")
                           % {"email": email, "first": self.seen[email]}, email)
            self.seen.setdefault(email, row_no)
        clean["email"] = email
        full_name = raw.get("full_name", "").strip()
        if len(full_name) > NAME_MAX:
            self.error(row_no, "full_name", _("At most %(max)s characters.") % {
                "max": NAME_MAX}, full_name)
        if email and email not in self.known_emails and not full_name:
            self.error(row_no, "full_name", _("A person without an account needs a full "
                                              "name."))
        clean["full_name"] = full_name
        values = {}
        code = raw.get("affiliation_code", "").strip()
        values["affiliation"] = self.organizations.get(code.casefold()) if code else None
        if code and values["affiliation"] is None:
            self.error(row_no, "affiliation_code",
                       _("Unknown organisation code %(code)s.") % {"code": code}, code)
        values["affiliation_text"] = raw.get("affiliation_text", "")
        province_text = raw.get("home_province", "")
        values["home_province"] = self.province(province_text) if province_text else None
        if province_text and values["home_province"] is None:
            self.error(row_no, "home_province",
                       _("Unknown province “%(text)s”: give its two-digit DOPA code or its "
                         "Thai name.") % {"text": province_text}, province_text)
        values["expertise"] = split_list(raw.get("expertise", ""))
        values["phone"] = raw.get("phone", "")
        values["max_visits_per_day"] = raw.get("max_visits_per_day", "") or 4
        dates, date_errors = parse_be_list(split_list(raw.get("unavailable_dates", "")))
        for message in date_errors:
            self.error(row_no, "unavailable_dates", message, raw.get("unavailable_dates"))
        values["unavailable_dates"] = dates
        try:
            cleaned = clean_profile_values(values)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name == "home_province" and province_text:
                    continue  # already named as an unknown province
                column = SOURCES.get(name, name)
                self.error(row_no, column, " ".join(messages), raw.get(column, ""))
            cleaned = values
        clean.update({name: cleaned[name] for name in SOURCES})
        self.preview.rows.append(clean)


def _positions(header):
    positions = {}
    for index, title in enumerate(header):
        column = canonical_column(title)
        if column and column not in positions:
            positions[column] = index
    return positions


def parse_pool(file, *, max_bytes=None) -> PoolPreview:
    """Read ``file`` (path, bytes or file object) and check every row; write nothing."""
    preview = PoolPreview(file_name=file_name(file))
    limit = max_bytes if max_bytes is not None else max_import_bytes()
    try:
        table = open_table(read_bytes(file, limit))
    except FileRejected as exc:
        preview.errors.append(RowError(None, "", str(exc)))
        return preview
    with table:
        try:
            header = next(table, None)
            if header is None:
                preview.errors.append(RowError(None, "", _("The file is empty.")))
                return preview
            positions = _positions(header)
            preview.present = frozenset(positions)
            missing = [column for column in REQUIRED_COLUMNS if column not in positions]
            for column in missing:
                preview.errors.append(RowError(1, column, _(
                    "Required column %(column)s is missing from the header row.")
                    % {"column": column}))
            if missing:
                return preview
            checker = _RowChecker(preview)
            for row_no, cells in enumerate(table, start=2):
                raw = {column: cell(cells[index]) if index < len(cells) else ""
                       for column, index in positions.items()}
                if any(raw.values()):
                    checker.check(row_no, raw)
        except FileRejected as exc:
            preview.rows = []
            preview.errors.append(RowError(exc.row, "", str(exc)))
    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(None, "", _("The file has no data rows.")))
    return preview


class PoolImportError(Exception):
    """``apply_pool`` was given a preview with errors."""


def apply_pool(preview, actor=None, *, request=None) -> PoolResult:
    """Write every row of a valid preview in one transaction (all or nothing)."""
    if not preview.is_valid:
        raise PoolImportError("The file has errors; nothing was imported.")
    result = PoolResult()
    audit = {"file": preview.file_name}
    provinces = Province.objects.in_bulk()
    organizations = Organization.objects.in_bulk(
        {row["affiliation"] for row in preview.rows if row["affiliation"]})
    fields = [name for name, column in SOURCES.items() if column in preview.present]
    with transaction.atomic():
        for row in preview.rows:
            try:
                _apply_row(row, fields, result, provinces, organizations, actor=actor,
                           request=request, audit=audit)
            except ValidationError as exc:
                # The registry changed since the check: nothing is written (all or nothing).
                preview.errors.append(RowError(row["_row"], "", " ".join(exc.messages)))
                raise PoolImportError("The file has errors; nothing was imported.") from exc
        log_action("assessors.imported", actor=actor, request=request,
                   data={**result.as_dict(), "file": preview.file_name,
                         "rows": len(preview.rows)})
    return result


def _apply_row(row, fields, result, provinces, organizations, *, actor, request, audit):
    user, created, _granted = ensure_assessor_user(row["email"], row["full_name"],
                                                   actor=actor, request=request)
    result.accounts_created += created
    values = {name: row[name] for name in SOURCES}
    values["home_province"] = provinces[values["home_province"]]
    values["affiliation"] = organizations.get(values["affiliation"])
    profile = AssessorProfile.objects.filter(user=user).first()
    if profile is None:
        create_profile(user, actor=actor, request=request, audit_data=audit, **values)
        result.created += 1
        return
    changes = {name: values[name] for name in fields}
    # One affiliation or the other: giving one in the file clears the other.
    if changes.get("affiliation") is not None:
        changes.setdefault("affiliation_text", "")
    if changes.get("affiliation_text"):
        changes.setdefault("affiliation", None)
    profile = update_profile(profile, actor=actor, request=request, audit_data=audit,
                             **changes)
    if profile.changed_fields:
        result.updated += 1
    else:
        result.unchanged += 1


def import_pool(file, actor=None, *, request=None, check_only=False):
    """Check ``file`` and, when every row is good (and not ``check_only``), import it.
    Returns ``(preview, result or None)``."""
    preview = parse_pool(file)
    if not preview.is_valid or check_only:
        return preview, None
    try:
        return preview, apply_pool(preview, actor, request=request)
    except PoolImportError:  # a row the registry no longer allows: in preview.errors
        return preview, None
