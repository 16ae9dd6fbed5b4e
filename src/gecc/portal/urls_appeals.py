"""The coordinator's appeals in the portal: file one against an application's final
decision, read it, download its attachments."""

from django.urls import path

from gecc.portal.views import appeals as views

urlpatterns = [
    path("applications/<int:pk>/appeal/", views.AppealCreateView.as_view(),
         name="appeal.create"),
    path("appeals/<int:pk>/", views.AppealDetailView.as_view(), name="appeal.detail"),
    path("appeals/attachments/<int:pk>/", views.AppealAttachmentView.as_view(),
         name="appeal.attachment"),
]
