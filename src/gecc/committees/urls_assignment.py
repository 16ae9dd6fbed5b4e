"""The assignment pages (mounted under ``/staff/committees/assignment/``)."""

from django.urls import path

from gecc.committees.views import assignment as views

urlpatterns = [
    path("rounds/<int:round_pk>/", views.AssignmentOverviewView.as_view(),
         name="assignment.overview"),
    path("rounds/<int:round_pk>/run/", views.AssignmentRunView.as_view(),
         name="assignment.run"),
    path("rounds/<int:round_pk>/confirm/", views.AssignmentConfirmView.as_view(),
         name="assignment.confirm"),
    path("rounds/<int:round_pk>/export/", views.AssignmentExportView.as_view(),
         name="assignment.export"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run.detail"),
    path("applications/<int:application_pk>/move/", views.AssignmentMoveView.as_view(),
         name="assignment.move"),
    path("applications/<int:application_pk>/lock/", views.AssignmentLockView.as_view(),
         name="assignment.lock"),
    path("applications/<int:application_pk>/unlock/",
         views.AssignmentLockView.as_view(locked=False), name="assignment.unlock"),
]
