"""Assessor calibration of a round (the secretariat): leniency per assessor, mean proposed
level per sub-committee against the national mean, two charts and the XLSX export.

Who reads it: the secretariat only. Members never see it (it ranks their co-members). The
steering committee does not either: it names individual assessors and is a working tool for
the secretariat to brief sub-committees before results are final; the steering committee
decides on the proposed results themselves (HTTP 403 for both).
"""

import rules
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.accounts.rules import is_secretariat
from gecc.audit.domain import log_export
from gecc.common.thaidate import format_be_stamp
from gecc.rounds.models import Round
from gecc.scoring.domain.calibration import calibrate, order_assessors, order_teams
from gecc.scoring.interfaces.calibration import (
    XLSX_CONTENT_TYPE,
    CalibrationForm,
    export_calibration,
    leniency_definition,
    level_definition,
    level_headers,
)

if not rules.perm_exists("scoring.view_calibration"):
    rules.add_perm("scoring.view_calibration", is_secretariat)


class CalibrationAccessMixin(AllowedUserRequiredMixin):
    """Signed-in secretariat only (anonymous → sign-in page, anyone else → 403)."""

    def allowed(self, user):
        return user.has_perm("scoring.view_calibration")


def round_calibration(request, round_pk):
    round_obj = get_object_or_404(Round.objects.visible_to(request.user)
                                  .select_related("edition"), pk=round_pk)
    form = CalibrationForm(request.GET)
    result = calibrate(round_obj, z_threshold=form.value("z"),
                       level_threshold=form.value("level"))
    order_assessors(result.assessors, form.value("order"))
    order_teams(result.teams, form.value("team_order"))
    return round_obj, form, result


def signed(value, digits=2):
    """``+0.86`` / ``−0.56`` / ``0.00`` (a real minus sign), or an em dash for nothing."""
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}".replace("-", "−")
    return text[1:] if text[1:].strip("0.") == "" else text


def chart_data(result) -> dict:
    """What the two charts draw (the tables say the same in words)."""
    lenient = sorted((row for row in result.assessors if row.leniency is not None),
                     key=lambda row: -row.leniency)
    teams = sorted((row for row in result.teams if row.mean_level is not None),
                   key=lambda row: row.number)
    return {
        "assessors": {
            "labels": [row.name for row in lenient],
            "values": [round(row.leniency, 4) for row in lenient],
            "flagged": [row.flagged for row in lenient],
            "threshold": result.z_threshold,
            "label": _("Leniency (mean z)"),
            "thresholdLabel": _("Threshold"),
        },
        "teams": {
            "labels": [row.name for row in teams],
            "values": [round(row.mean_level, 4) for row in teams],
            "flagged": [row.flagged for row in teams],
            "national": (None if result.national_level is None
                         else round(result.national_level, 4)),
            "max": len(result.levels.codes),
            "label": _("Mean level index"),
            "nationalLabel": _("National mean"),
        },
    }


class CalibrationRoundView(CalibrationAccessMixin, View):
    def get(self, request, round_pk):
        round_obj, form, result = round_calibration(request, round_pk)
        for row in result.assessors:
            row.leniency_text = signed(row.leniency)
        for row in result.teams:
            row.difference_text = signed(row.difference)
        return render(request, "scoring/calibration/round.html", {
            "round": round_obj, "form": form, "result": result,
            "chart": chart_data(result), "level_headers": level_headers(result),
            "national_level_text": ("—" if result.national_level is None
                                    else f"{result.national_level:.2f}"),
            "leniency_definition": leniency_definition(),
            "level_definition": level_definition(),
            "query": request.GET.urlencode(),
        })


class CalibrationExportView(CalibrationAccessMixin, View):
    """The page's figures as XLSX (same thresholds), logged as an export."""

    def get(self, request, round_pk):
        round_obj, _form, result = round_calibration(request, round_pk)
        content = export_calibration(result)
        log_export("scoring.calibration_exported", request, obj=round_obj,
                   data={"format": "xlsx", "rows": len(result.assessors) + len(result.teams),
                         "z_threshold": result.z_threshold,
                         "level_threshold": result.level_threshold})
        name = f"calibration-{round_obj.year}-{format_be_stamp(timezone.localdate())}.xlsx"
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
