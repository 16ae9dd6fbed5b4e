"""Export organisations and service units with exactly the import's columns, so an exported
file imported again changes nothing; plus empty templates for people to fill in."""

import io

from django.utils.translation import gettext as _

from gecc.common.csvexport import write_csv
from gecc.registry.enums import ImportKind
from gecc.registry.interfaces.formats import COLUMNS, DESCRIPTIONS, REQUIRED


def _coordinate(value):
    return "" if value is None else f"{value:.6f}"


def organization_rows(queryset):
    for code, name_th, name_en, parent_code, abbreviation in (
            queryset.order_by("code").values_list("code", "name_th", "name_en", "parent__code",
                                                  "abbreviation")):
        yield [code, name_th, name_en, parent_code or "", abbreviation]


def unit_rows(queryset):
    for values in queryset.order_by("code").values_list(
            "code", "name_th", "name_en", "organization__code", "unit_type", "subdistrict_id",
            "postcode", "latitude", "longitude", "phone", "email"):
        row = list(values)
        row[7] = _coordinate(row[7])
        row[8] = _coordinate(row[8])
        yield row


def text_cell(sheet, value):
    """An XLSX text cell. openpyxl would store text starting with "=" as a formula, which a
    spreadsheet runs (and which does not import back); here it is always plain text.
    Whole numbers (row numbers of an error report) stay numbers, so they sort as numbers."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, int) and not isinstance(value, bool):
        return value
    cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
    cell.data_type = "s"
    return cell


def write_table(header, rows, fmt="xlsx", sheet_title="data") -> bytes:
    """A header and rows as XLSX (every cell text, so codes keep their form) or CSV (the
    shared writer ``gecc.common.csvexport``: formula cells escaped, UTF-8 with BOM)."""
    if fmt == "csv":
        return write_csv(header, rows)
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(header)
    for row in rows:
        sheet.append([text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_organizations(queryset, fmt="xlsx") -> bytes:
    return write_table(COLUMNS[ImportKind.ORGANIZATIONS], organization_rows(queryset), fmt,
                       "organizations")


def export_units(queryset, fmt="xlsx") -> bytes:
    return write_table(COLUMNS[ImportKind.UNITS], unit_rows(queryset), fmt, "units")


def export_file(kind, queryset, fmt="xlsx") -> bytes:
    kind = ImportKind(kind)
    if kind == ImportKind.ORGANIZATIONS:
        return export_organizations(queryset, fmt)
    return export_units(queryset, fmt)


def build_template(kind, fmt="xlsx") -> bytes:
    """An empty import file: the header row; the XLSX has a second sheet explaining columns."""
    kind = ImportKind(kind)
    header = COLUMNS[kind]
    if fmt == "csv":
        return write_table(header, [], "csv")
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(kind)
    sheet.append(header)
    for index in range(1, len(header) + 1):
        sheet.cell(row=1, column=index).number_format = "@"
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 20
    help_sheet = workbook.create_sheet(_("Columns"))
    help_sheet.append([_("Column"), _("Required"), _("Description")])
    for column in header:
        help_sheet.append([column, _("yes") if column in REQUIRED[kind] else _("no"),
                           str(DESCRIPTIONS[column])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
