"""The desk-review list as a spreadsheet: XLSX, or CSV in UTF-8 with a byte-order mark (so
Excel opens Thai text correctly)."""

import csv
import io

from django.utils.translation import gettext as _

from gecc.common.thaidate import format_be_datetime

EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def review_header() -> list[str]:
    return [_("Unit code"), _("Unit name"), _("Organisation"), _("Province"), _("Kind"),
            _("Target level"), _("State"), _("Submitted"), _("Self-assessment complete (%)")]


def review_rows(applications, level_names: dict):
    """One row per application; ``applications`` carry the list's annotations
    (``answered_count``, ``answer_count``) and their unit, organisation and province."""
    for application in applications:
        unit = application.unit
        yield [
            unit.code, unit.name_th, unit.organization.name_th, unit.province.name_th,
            application.get_kind_display(),
            level_names.get(application.target_level, application.target_level),
            application.get_state_display(),
            format_be_datetime(application.submitted_at) if application.submitted_at else "",
            application.completeness,
        ]


# A cell starting with one of these is run as a formula by spreadsheet programs; unit names
# come from the units themselves, so they must stay plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """The value for a CSV cell: text that a spreadsheet would take for a formula gets a
    leading apostrophe (shown as typed, never run)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(sheet, value):
    """An XLSX cell: text is always stored as text, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value="" if value is None else value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_table(header, rows, fmt) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([csv_text(value) for value in row] for row in rows)
        return buffer.getvalue().encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Applications"))
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_review_list(applications, level_names: dict, fmt="xlsx") -> bytes:
    return write_table(review_header(), review_rows(applications, level_names), fmt)
