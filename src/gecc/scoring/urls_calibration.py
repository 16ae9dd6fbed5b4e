"""Calibration of a round's assessors and sub-committees (the secretariat)."""

from django.urls import path

from gecc.scoring.views.calibration import CalibrationExportView, CalibrationRoundView

urlpatterns = [
    path("round/<int:round_pk>/calibration/", CalibrationRoundView.as_view(),
         name="calibration.round"),
    path("round/<int:round_pk>/calibration/export.xlsx", CalibrationExportView.as_view(),
         name="calibration.export"),
]
