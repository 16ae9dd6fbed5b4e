"""The steering-committee report of a round's proposed results: the page, the Thai PDF and
the XLSX workbook (namespace ``decisions``, under ``/staff/decisions/``)."""

from django.urls import path

from gecc.decisions.views.report import ReportDetailView, ReportPdfView, ReportXlsxView

urlpatterns = [
    path("rounds/<int:round_pk>/report/", ReportDetailView.as_view(), name="report.detail"),
    path("rounds/<int:round_pk>/report/pdf/", ReportPdfView.as_view(), name="report.pdf"),
    path("rounds/<int:round_pk>/report/xlsx/", ReportXlsxView.as_view(), name="report.xlsx"),
]
