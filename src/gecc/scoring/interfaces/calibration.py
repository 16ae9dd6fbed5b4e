"""Calibration's parameters form (thresholds and table orders read from the query string)
and its XLSX export (sheets "Assessors", "Sub-committees", "Parameters")."""

import io

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gecc.applications.interfaces.exporters import xlsx_cell
from gecc.common.thaidate import format_be_datetime

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ASSESSOR_ORDERS = [
    ("magnitude", gettext_lazy("Largest difference from co-members first")),
    ("high", gettext_lazy("Most lenient first")),
    ("low", gettext_lazy("Most severe first")),
    ("name", gettext_lazy("By name")),
]
TEAM_ORDERS = [
    ("magnitude", gettext_lazy("Largest difference from the national mean first")),
    ("high", gettext_lazy("Highest mean level first")),
    ("low", gettext_lazy("Lowest mean level first")),
    ("name", gettext_lazy("By number")),
]


class CalibrationForm(forms.Form):
    """The page's parameters. An empty field takes the setting; a bad value is shown with its
    error (the page still answers, with the setting in its place)."""

    z = forms.FloatField(label=gettext_lazy("Flag assessors when |leniency| is above"),
                         required=False, min_value=0, max_value=5,
                         widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}))
    level = forms.FloatField(
        label=gettext_lazy("Flag sub-committees when |difference in mean level| is above"),
        required=False, min_value=0, max_value=10,
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}))
    order = forms.ChoiceField(label=gettext_lazy("Order assessors"), required=False,
                              choices=ASSESSOR_ORDERS)
    team_order = forms.ChoiceField(label=gettext_lazy("Order sub-committees"), required=False,
                                   choices=TEAM_ORDERS)

    def __init__(self, data):
        super().__init__(data)
        self.is_valid()  # fills cleaned_data with the good fields, errors with the rest
        for name in ("z", "level"):
            if name not in self.data:
                self.fields[name].widget.attrs["placeholder"] = str(self.default(name))

    @staticmethod
    def default(name):
        return {"z": settings.CALIBRATION_Z_THRESHOLD,
                "level": settings.CALIBRATION_LEVEL_THRESHOLD}[name]

    def value(self, name):
        """The cleaned value, or the default (setting / first order) when empty or bad."""
        value = self.cleaned_data.get(name)
        if value in (None, ""):
            return self.default(name) if name in ("z", "level") else "magnitude"
        return value


def _number(sheet, value, digits="0.000"):
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return xlsx_cell(sheet, "")
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = digits
    return cell


def _yes_no(flagged):
    return _("Yes") if flagged else _("No")


def level_headers(result) -> list[str]:
    return [_("No level"), *result.levels.names]


def level_legend(result) -> str:
    return ", ".join(f"{index} = {name}" for index, name in
                     enumerate(level_headers(result)))


def export_calibration(result) -> bytes:
    """The calibration of a round as an XLSX workbook (text cells never become formulas)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Assessors")
    sheet.append([_("Assessor"), _("E-mail"), _("Sub-committees"), _("Numeric scores"),
                  _("Mean score"), _("Cells compared"), _("Leniency (mean z)"),
                  _("Flagged")])
    for row in result.assessors:
        sheet.append([xlsx_cell(sheet, row.name), xlsx_cell(sheet, row.email),
                      xlsx_cell(sheet, ", ".join(row.teams)), row.scores,
                      _number(sheet, row.mean_score, "0.00"), row.cells,
                      _number(sheet, row.leniency), xlsx_cell(sheet, _yes_no(row.flagged))])

    sheet = workbook.create_sheet("Sub-committees")
    sheet.append([_("Number"), _("Sub-committee"), _("Proposed results (locked)"),
                  *level_headers(result), _("Mean level index"),
                  _("National mean level index"), _("Difference"),
                  _("Mean proposed score (%)"), _("Flagged")])
    for row in result.teams:
        sheet.append([row.number, xlsx_cell(sheet, row.name), row.results, *row.level_counts,
                      _number(sheet, row.mean_level),
                      _number(sheet, result.national_level), _number(sheet, row.difference),
                      _number(sheet, row.mean_percent, "0.00"),
                      xlsx_cell(sheet, _yes_no(row.flagged))])
    sheet.append(["", xlsx_cell(sheet, _("Whole country")), result.results,
                  *result.national_counts, _number(sheet, result.national_level),
                  _number(sheet, result.national_level), "",
                  _number(sheet, result.national_percent, "0.00"), ""])

    sheet = workbook.create_sheet("Parameters")
    sheet.append([_("Parameter"), _("Value")])
    version = result.round.edition
    for label, value in [
        (_("Round"), str(result.round)),
        (_("Criteria version"), f"{version.name_th} r{version.revision}"),
        (_("Computed"), format_be_datetime(timezone.now())),
        (_("Leniency threshold (|mean z|)"), result.z_threshold),
        (_("Level threshold (|difference in mean level|)"), result.level_threshold),
        (_("Numeric scores read"), result.score_count),
        (_("Cells compared (two or more numeric scores)"), result.cell_count),
        (_("Proposed results counted (locked team sheets)"), result.results),
        (_("Level index"), level_legend(result)),
        (_("Leniency"), leniency_definition()),
        (_("Mean level"), level_definition()),
    ]:
        sheet.append([xlsx_cell(sheet, label), xlsx_cell(sheet, value)
                      if isinstance(value, str) else value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def leniency_definition() -> str:
    return _("For each application and item scored by two or more members: z = (score − "
             "mean of the item's scores) ÷ their standard deviation (population, divided by "
             "n); z = 0 when everyone gave the same score. N/A and unscored items are left "
             "out. An assessor's leniency is the mean of their z over those items: above 0 "
             "they score higher than their co-members on the same items, below 0 lower.")


def level_definition() -> str:
    return _("Each application's proposed level (locked team sheets only) as a number: no "
             "level = 0, then the criteria's levels in order from 1. A sub-committee's mean "
             "is compared with the mean of every application in the round.")
