"""Appeals on the staff side (namespace ``decisions``, under ``/staff/decisions/``)."""

from django.urls import path

from gecc.decisions.views import appeals as views

urlpatterns = [
    path("appeals/", views.AppealListView.as_view(), name="appeal.list"),
    path("appeals/export.csv", views.AppealExportView.as_view(), name="appeal.export"),
    path("appeals/<int:pk>/", views.AppealDetailView.as_view(), name="appeal.detail"),
    path("appeals/<int:pk>/receive/", views.AppealReceiveView.as_view(),
         name="appeal.receive"),
    path("appeals/<int:pk>/reviewer/", views.AppealAssignView.as_view(),
         name="appeal.assign"),
    path("appeals/<int:pk>/outcome/", views.AppealOutcomeView.as_view(),
         name="appeal.outcome"),
    path("appeals/attachments/<int:pk>/", views.AppealAttachmentView.as_view(),
         name="appeal.attachment"),
]
