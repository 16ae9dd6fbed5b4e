"""Import organisations and service units from XLSX or CSV files.

Two steps, so a screen can show what will happen before anything is written:

* ``preview = parse_and_validate(file, kind)`` reads and checks every row and returns the
  cleaned rows and the errors (row number as in the spreadsheet, header = row 1; column;
  reason in the active language, Thai by default);
* ``apply(preview, actor)`` writes all rows in one transaction, updating by code, and logs one
  ``registry.import`` audit entry with the counts, then one ``unit.imported`` (or
  ``organization.imported``) entry per record created or changed, with the before/after
  values of its changed fields, so the record's own history shows the import. One bad row
  imports nothing.

``check_file(file, kind)`` is the cheap part of the first step, for an upload form: size,
type, encoding, header and a first data row, without checking the rows.

The file format is in docs/import-format.md. CSV may be UTF-8 (with or without BOM) or
Windows-874/TIS-620; XLSX is recognised by its content (a ZIP archive), not by its name.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import build_entry, log_action, log_actions
from gecc.common.db import analyze, copy_insert
from gecc.registry.domain.units import refresh_unit_search_text
from gecc.registry.enums import ImportKind
from gecc.registry.interfaces.formats import COLUMNS, REQUIRED, canonical_column
from gecc.registry.interfaces.import_rows import (
    RowError,
    validate_organization_rows,
    validate_unit_rows,
)
from gecc.registry.interfaces.tables import (  # noqa: F401  (FileRejected is part of this API)
    FileRejected,
    cell,
    file_name,
    open_table,
    read_bytes,
)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
BATCH = 1000
# parse_and_validate reports its progress every this many rows.
PROGRESS_EVERY_ROWS = 500
PREVIEW_ROWS = 20
# A bulk load this large refreshes the planner statistics (gecc.common.db.analyze).
ANALYZE_AFTER_ROWS = 1000


def max_import_bytes() -> int:
    return int(getattr(settings, "REGISTRY_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass
class ImportPreview:
    kind: str
    file_name: str = ""
    rows: list = field(default_factory=list)  # cleaned dicts, each with "_row"
    errors: list = field(default_factory=list)
    present: frozenset = frozenset()  # columns found in the header

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class FileCheck:
    """What reading the header tells about an upload: errors about the whole file (row
    ``None``) and a rough count of its data rows."""

    errors: list = field(default_factory=list)
    estimated_rows: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self):
        return {"kind": self.kind, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged}


class ImportNotValid(Exception):
    """``apply`` was given a preview with errors, or the database changed meanwhile."""


def _header_positions(kind, header):
    """Where each known column is in the header row (the first of two equal titles wins)."""
    positions = {}
    for index, title in enumerate(header):
        column = canonical_column(kind, title)
        if column and column not in positions:
            positions[column] = index
    return positions


def _records(table, positions, progress=None, every=None):
    """(spreadsheet row number, {column: text}) for each row that is not empty."""
    every = every or PROGRESS_EVERY_ROWS
    for row_no, cells in enumerate(table, start=2):
        if progress is not None and row_no % every == 0:
            progress(row_no - 1, table.estimated_rows)
        values = {column: cell(cells[index]) if index < len(cells) else ""
                  for column, index in positions.items()}
        if any(values.values()):
            yield row_no, values


def check_file(file, kind, *, max_bytes=None) -> FileCheck:
    """The checks an upload can pass or fail without checking its rows: size, type, encoding,
    a header row and a first data row. A missing required column is left to
    ``parse_and_validate``, which names it on row 1 with the row errors."""
    kind = ImportKind(kind)
    limit = max_bytes if max_bytes is not None else max_import_bytes()
    try:
        with open_table(read_bytes(file, limit)) as table:
            header = next(table, None)
            if header is None:
                return FileCheck([RowError(None, "", _("The file is empty."))])
            positions = _header_positions(kind, header)
            if (all(column in positions for column in REQUIRED[kind])
                    and next(_records(table, positions), None) is None):
                return FileCheck([RowError(None, "", _("The file has no data rows."))])
            return FileCheck([], table.estimated_rows)
    except FileRejected as exc:
        # The upload form shows a message only, so a row the file stops at is named in it.
        message = str(RowError(exc.row, "", str(exc))) if exc.row else str(exc)
        return FileCheck([RowError(None, "", message)])


def parse_and_validate(file, kind, *, max_bytes=None, progress=None,
                       progress_every=None) -> ImportPreview:
    """Read ``file`` (a path, bytes or a file object) and check every row; write nothing.

    ``progress(rows_read, estimated_rows)`` is called every ``progress_every`` rows
    (``PROGRESS_EVERY_ROWS`` by default)."""
    kind = ImportKind(kind)
    preview = ImportPreview(kind=kind, file_name=file_name(file))
    limit = max_bytes if max_bytes is not None else max_import_bytes()
    try:
        table = open_table(read_bytes(file, limit))
    except FileRejected as exc:
        preview.errors.append(RowError(None, "", str(exc)))
        return preview
    with table:
        try:
            header = next(table, None)
        except FileRejected as exc:
            preview.errors.append(RowError(exc.row, "", str(exc)))
            return preview
        if header is None:
            preview.errors.append(RowError(None, "", _("The file is empty.")))
            return preview
        positions = _header_positions(kind, header)
        preview.present = frozenset(positions)
        missing = [column for column in REQUIRED[kind] if column not in positions]
        if missing:
            for column in missing:
                preview.errors.append(RowError(1, column, _("Required column %(column)s is "
                                                            "missing from the header row.")
                                               % {"column": column}))
            return preview
        records = _records(table, positions, progress, progress_every)
        try:
            if kind == ImportKind.ORGANIZATIONS:
                validate_organization_rows(preview, records)
            else:
                validate_unit_rows(preview, records)
        except FileRejected as exc:
            preview.rows = []
            preview.errors.append(RowError(exc.row, "", str(exc)))
    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(None, "", _("The file has no data rows.")))
    return preview


def existing_count(kind, codes) -> int:
    """How many of ``codes`` are already registered (organisations or service units)."""
    from gecc.registry.models import Organization, ServiceUnit

    model = Organization if kind == ImportKind.ORGANIZATIONS else ServiceUnit
    found = 0
    for start in range(0, len(codes), 5000):
        found += model.objects.filter(code__in=codes[start:start + 5000]).count()
    return found


def _json_cell(value):
    if value is None:
        return ""
    return value if isinstance(value, str | int) else str(value)


def preview_table(preview, limit=PREVIEW_ROWS):
    """The header and first rows of a valid preview, in the file's column names, as JSON
    values (each row starts with its spreadsheet row number)."""
    kind = ImportKind(preview.kind)
    # Each row keeps its own code as "code": the organisation's in an organisation file, the
    # unit's in a unit file (where "organization_code" is the unit's organisation).
    key_of = {"organization_code": "code"} if kind == ImportKind.ORGANIZATIONS else {
        "unit_code": "code"}
    columns = [c for c in COLUMNS[kind] if c in preview.present]
    rows = [[row["_row"]] + [_json_cell(row.get(key_of.get(c, c))) for c in columns]
            for row in preview.rows[:limit]]
    return columns, rows


def errors_from_dicts(items):
    """``RowError`` objects back from their ``as_dict()`` form (as an ImportJob keeps them)."""
    return [RowError(item.get("row"), item.get("column", ""), item.get("message", ""),
                     item.get("value", "")) for item in items]


# Writing ------------------------------------------------------------------------------


def _audit_value(value):
    """A field value as an audit entry keeps it (as the unit and organisation forms do)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return str(value)  # a TextChoices member as its plain value
    return value


def _apply_organizations(preview, result, progress):
    """Write the organisations; returns ``[(organization, before, after)]`` for each one
    created (``before`` None) or changed, with the values of the changed fields."""
    from gecc.registry.models import Organization

    existing = {org.code: org for org in Organization.objects.all()}
    has_en = "name_en" in preview.present
    has_abbreviation = "abbreviation" in preview.present
    has_parent = "parent_code" in preview.present
    new, changed = [], {}
    befores, afters = {}, {}  # code -> {field: value} for the audit entries
    for row in preview.rows:
        org = existing.get(row["code"])
        if org is None:
            org = Organization(code=row["code"], name_th=row["name_th"],
                               name_en=row["name_en"], abbreviation=row["abbreviation"])
            org.search_text = org.compute_search_text()
            new.append(org)
            afters[org.code] = {"code": org.code, "name_th": org.name_th,
                                "name_en": org.name_en, "abbreviation": org.abbreviation,
                                "parent": None}
            continue
        before = {"name_th": org.name_th, "name_en": org.name_en,
                  "abbreviation": org.abbreviation}
        org.name_th = row["name_th"]
        if has_en:
            org.name_en = row["name_en"]
        if has_abbreviation:
            org.abbreviation = row["abbreviation"]
        after = {"name_th": org.name_th, "name_en": org.name_en,
                 "abbreviation": org.abbreviation}
        if after != before:
            org.search_text = org.compute_search_text()
            changed[org.code] = org
            befores[org.code] = {k: v for k, v in before.items() if after[k] != v}
            afters[org.code] = {k: v for k, v in after.items() if before[k] != v}
    Organization.objects.bulk_create(new, batch_size=BATCH)
    progress(60)
    ids = dict(Organization.objects.values_list("code", "id"))
    new_codes = {org.code for org in new}
    by_code = {**existing, **{org.code: org for org in new}}
    parent_changed = []
    if has_parent:
        for row in preview.rows:
            org = by_code[row["code"]]
            parent_id = ids[row["parent_code"]] if row["parent_code"] else None
            if org.parent_id != parent_id:
                if org.code not in new_codes:
                    changed[org.code] = org
                    befores.setdefault(org.code, {})["parent"] = org.parent_id
                afters.setdefault(org.code, {})["parent"] = parent_id
                org.parent_id = parent_id
                org.pk = org.pk or ids[org.code]
                parent_changed.append(org)
    now = timezone.now()
    for org in changed.values():
        org.updated_at = now
    renamed = [org.pk for code, org in changed.items() if code in befores
               and set(befores[code]) & {"name_th", "name_en", "abbreviation"}]
    Organization.objects.bulk_update(
        list(changed.values()), ["name_th", "name_en", "abbreviation", "search_text",
                                 "updated_at"], batch_size=BATCH)
    Organization.objects.bulk_update(parent_changed, ["parent"], batch_size=BATCH)
    if renamed:  # the units' search text carries their organisation's names
        refresh_unit_search_text(renamed)
    result.created = len(new)
    result.updated = len(changed)
    result.unchanged = len(preview.rows) - result.created - result.updated
    for org in new:
        org.pk = org.pk or ids[org.code]
    return ([(org, None, afters[org.code]) for org in new]
            + [(org, befores[code], afters[code]) for code, org in changed.items()])


UNIT_FIELDS = ["name_th", "name_en", "organization_id", "unit_type", "subdistrict_id",
               "district_id", "province_id", "postcode", "latitude", "longitude", "phone",
               "email"]
# File column that feeds each optional field; absent columns leave the field as it is.
OPTIONAL_SOURCES = {"name_en": "name_en", "unit_type": "unit_type", "latitude": "latitude",
                    "longitude": "longitude", "phone": "phone", "email": "email"}


def _field_name(attname):
    """``organization_id`` → ``organization``: audit entries name fields, not columns."""
    return attname.removesuffix("_id")


def _apply_units(preview, result, progress):
    """Write the units; returns ``[(unit, before, after)]`` for each one created (``before``
    None) or changed, with the values of the changed fields."""
    from gecc.geography.models import Subdistrict
    from gecc.registry.models import Organization, ServiceUnit

    organizations, organization_parts = {}, {}
    for org in Organization.objects.only("id", "code", "name_th", "name_en", "abbreviation"):
        organizations[org.code] = org.pk
        organization_parts[org.pk] = org.search_parts()
    places = {code: (district_id, province_id) for code, district_id, province_id
              in Subdistrict.objects.values_list("code", "district_id", "province_id")}
    codes = [row["code"] for row in preview.rows]
    existing = {}
    for start in range(0, len(codes), 5000):
        for unit in ServiceUnit.objects.filter(code__in=codes[start:start + 5000]).only(
                "id", "code", "search_text", *UNIT_FIELDS):
            existing[unit.code] = unit
    progress(40)
    fields = [f for f in UNIT_FIELDS
              if OPTIONAL_SOURCES.get(f) is None or OPTIONAL_SOURCES[f] in preview.present]
    new, changed, changes = [], [], []
    for row in preview.rows:
        try:
            district_id, province_id = places[row["subdistrict_code"]]
            values = {
                "name_th": row["name_th"], "name_en": row["name_en"],
                "organization_id": organizations[row["organization_code"]],
                "unit_type": row["unit_type"], "subdistrict_id": row["subdistrict_code"],
                "district_id": district_id, "province_id": province_id,
                "postcode": row["postcode"], "latitude": row["latitude"],
                "longitude": row["longitude"], "phone": row["phone"], "email": row["email"],
            }
        except KeyError as exc:
            raise ImportNotValid(f"row {row['_row']}: {exc} no longer exists") from None
        unit = existing.get(row["code"])
        if unit is None:
            unit = ServiceUnit(code=row["code"], **values)
            unit.search_text = unit.compute_search_text(
                organization_parts[unit.organization_id])
            new.append(unit)
            continue
        before, after = {}, {}
        for name in fields:
            old = getattr(unit, name)
            if old != values[name]:
                before[_field_name(name)] = _audit_value(old)
                after[_field_name(name)] = _audit_value(values[name])
                setattr(unit, name, values[name])
        if after:
            unit.search_text = unit.compute_search_text(
                organization_parts[unit.organization_id])
            changed.append(unit)
            changes.append((unit, before, after))
    progress(60)
    if not copy_insert(ServiceUnit, new):  # one COPY on PostgreSQL
        ServiceUnit.objects.bulk_create(new, batch_size=BATCH)
    progress(85)
    if changed:
        now = timezone.now()
        for unit in changed:
            unit.updated_at = now
        ServiceUnit.objects.bulk_update(changed, [*fields, "search_text", "updated_at"],
                                        batch_size=BATCH)
    result.created = len(new)
    result.updated = len(changed)
    result.unchanged = len(preview.rows) - result.created - result.updated
    if any(unit.pk is None for unit in new):  # a database that returns no ids from bulk_create
        ids = {}
        new_codes = [unit.code for unit in new]
        for start in range(0, len(new_codes), 5000):
            ids.update(ServiceUnit.objects.filter(code__in=new_codes[start:start + 5000])
                       .values_list("code", "id"))
        for unit in new:
            unit.pk = ids[unit.code]
    created = [(unit, None, {"code": unit.code, **{
        _field_name(name): _audit_value(getattr(unit, name)) for name in UNIT_FIELDS}})
        for unit in new]
    return created + changes


def _record_entries(changes, action, *, actor, summary, file_name, ip_address, request):
    """One audit entry per record the import created or changed (``action``), pointing at
    the import's summary entry; written in bulk."""
    for obj, before, after in changes:
        yield build_entry(action, actor=actor, obj=obj, before=before, after=after,
                          data={"import": summary.pk, "file": file_name}, request=request,
                          ip_address=ip_address)


def apply(preview, actor=None, *, progress=None, request=None,
          ip_address=None) -> ImportResult:
    """Write a valid preview in one transaction; returns the created/updated/unchanged counts.

    Audit: one ``registry.import`` entry with the counts, and one ``unit.imported`` /
    ``organization.imported`` entry per record created or changed (``before`` absent for a
    new record), each naming the import entry; all carry the client address (``request``'s,
    or ``ip_address`` kept from the upload when a background task does the work)."""
    if not preview.is_valid:
        raise ImportNotValid("The file has errors; nothing was imported.")
    progress = progress or (lambda percent: None)
    result = ImportResult(kind=preview.kind)
    with transaction.atomic():
        if preview.kind == ImportKind.ORGANIZATIONS:
            changes = _apply_organizations(preview, result, progress)
            action = "organization.imported"
        else:
            changes = _apply_units(preview, result, progress)
            action = "unit.imported"
        summary = log_action("registry.import", actor=actor, request=request,
                             ip_address=ip_address,
                             data={**result.as_dict(), "file": preview.file_name,
                                   "rows": len(preview.rows)})
        log_actions(_record_entries(changes, action, actor=actor, summary=summary,
                                    file_name=preview.file_name, ip_address=ip_address,
                                    request=request))
    if len(preview.rows) >= ANALYZE_AFTER_ROWS:
        from gecc.registry.models import Organization, ServiceUnit

        analyze(Organization if preview.kind == ImportKind.ORGANIZATIONS else ServiceUnit)
    progress(100)
    return result


def import_file(file, kind, actor=None, **kwargs):
    """Validate and, if every row is good, apply. Returns ``(preview, result or None)``."""
    preview = parse_and_validate(file, kind)
    if not preview.is_valid:
        return preview, None
    return preview, apply(preview, actor, **kwargs)


# Error report -------------------------------------------------------------------------


def error_report_rows(errors):
    yield [_("Row"), _("Column"), _("Value"), _("Problem")]
    for error in errors:
        yield [error.row or "", error.column, error.value, error.message]


def write_error_report(errors, fmt="xlsx") -> bytes:
    """The errors as an XLSX or CSV (UTF-8 with BOM) file, one error per line; the cells are
    text, so a value such as "=1+1" from the uploaded file stays inert."""
    from gecc.registry.interfaces.exporters import write_table

    header, *rows = error_report_rows(errors)
    return write_table(header, rows, fmt, _("Errors"))
