"""The steering-committee report of a round's proposed results: the web page (filters:
province, proposed level, flagged only; flagged applications first), the Thai PDF and the
XLSX workbook, for the secretariat and the steering committee (anyone else signed in: 403).

Everything comes from ``gecc.decisions.domain.report``; both downloads take the page's
filters and are logged with ``log_export`` (``decisions.report_exported``)."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.audit.domain import log_export
from gecc.decisions.domain.report import (
    XLSX_CONTENT_TYPE,
    filter_rows,
    report_filename,
    report_pdf,
    report_xlsx,
    steering_report,
)
from gecc.rounds.models import Round

PAGE_SIZE = 50


class ReportAccessMixin(AllowedUserRequiredMixin):
    """The secretariat and the steering committee (anonymous → sign-in, others → 403)."""

    def allowed(self, user):
        return user.has_perm("decisions.view_report")

    def get_round(self, request, round_pk):
        return get_object_or_404(Round.objects.visible_to(request.user)
                                 .select_related("edition"), pk=round_pk)


class ReportFilterForm(forms.Form):
    province = forms.TypedChoiceField(label=gettext_lazy("Province"), required=False,
                                      coerce=int, empty_value=None)
    level = forms.ChoiceField(label=gettext_lazy("Proposed level"), required=False)
    flagged = forms.BooleanField(label=gettext_lazy("Flagged cases only"), required=False)

    def __init__(self, data, report):
        super().__init__(data)
        self.fields["province"].choices = [("", _("All provinces")), *report.provinces]
        self.fields["level"].choices = [("", _("All levels")),
                                        *[(code or "none", name)
                                          for code, name in report.levels]]
        self.is_valid()

    @property
    def is_filtered(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("province") or data.get("level") or data.get("flagged"))

    def values(self) -> dict:
        """The filters for ``filter_rows`` (a bad value is ignored and shown as an error)."""
        data = getattr(self, "cleaned_data", {})
        return {"province": data.get("province"), "level": data.get("level") or None,
                "flagged_only": bool(data.get("flagged"))}


class ReportDetailView(ReportAccessMixin, View):
    template_name = "decisions/report/detail.html"

    def get(self, request, round_pk):
        round_obj = self.get_round(request, round_pk)
        report = steering_report(round_obj)
        form = ReportFilterForm(request.GET, report)
        rows = filter_rows(report, **form.values())
        paginator = Paginator(rows, PAGE_SIZE)
        page_obj = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, self.template_name, {
            "round": round_obj, "report": report, "filter_form": form,
            "rows": page_obj.object_list, "row_count": len(rows),
            "flagged_count": sum(1 for row in rows if row.flagged),
            "paginator": paginator, "page_obj": page_obj,
            "is_paginated": paginator.num_pages > 1,
            "export_query": query.urlencode(),
        })


def _filters(request, report):
    return ReportFilterForm(request.GET, report).values()


class ReportPdfView(ReportAccessMixin, View):
    """The Thai PDF of the report (A4 landscape), with the page's filters."""

    def get(self, request, round_pk):
        from gecc.common.documents import DocumentRenderError, pdf_response

        round_obj = self.get_round(request, round_pk)
        with translation.override("th"):
            report = steering_report(round_obj)
            rows = filter_rows(report, **_filters(request, report))
        try:
            pdf = report_pdf(report, rows, request=request)
        except DocumentRenderError:
            messages.error(request, _("The PDF could not be made just now. Try again in a "
                                      "moment; if it keeps failing, tell the system "
                                      "administrator."))
            return redirect(reverse("decisions:report.detail", args=[round_obj.pk]))
        log_export("decisions.report_exported", request, obj=round_obj,
                   data={"format": "pdf", "rows": len(rows)})
        return pdf_response(pdf, report_filename(round_obj, "pdf"))


class ReportXlsxView(ReportAccessMixin, View):
    """The report as an XLSX workbook (Summary, Applications, Flagged), with the page's
    filters applied to the two lists."""

    def get(self, request, round_pk):
        round_obj = self.get_round(request, round_pk)
        report = steering_report(round_obj)
        rows = filter_rows(report, **_filters(request, report))
        content = report_xlsx(report, rows)
        log_export("decisions.report_exported", request, obj=round_obj,
                   data={"format": "xlsx", "rows": len(rows)})
        name = report_filename(round_obj, "xlsx")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = (
            f"attachment; filename=\"report-{round_obj.year}.xlsx\"; "
            f"filename*=UTF-8''{quote(name, safe='')}")
        response["Cache-Control"] = "private, no-store"
        return response
