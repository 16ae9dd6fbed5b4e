"""The desk-review list as a spreadsheet: XLSX, or CSV through the shared writer
(``gecc.common.csvexport``: UTF-8 with a byte-order mark, formula cells escaped)."""

import io

from django.utils.translation import gettext as _

from gecc.common.csvexport import CONTENT_TYPE as CSV_CONTENT_TYPE
from gecc.common.csvexport import write_csv
from gecc.common.thaidate import format_be_datetime, format_be_deadline

EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": CSV_CONTENT_TYPE,
}


def review_header() -> list[str]:
    return [_("Unit code"), _("Unit name"), _("Organisation"), _("Province"), _("Kind"),
            _("Target level"), _("State"), _("Submitted"), _("Correction deadline"),
            _("Self-assessment complete (%)")]


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
            format_be_deadline(application.return_deadline),
            application.completeness,
        ]


def xlsx_cell(sheet, value):
    """An XLSX cell: text is always stored as text, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value="" if value is None else value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_table(header, rows, fmt) -> bytes:
    if fmt == "csv":
        return write_csv(header, rows)
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
