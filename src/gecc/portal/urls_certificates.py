"""The unit's certificates in the portal (namespace ``portal``)."""

from django.urls import path

from gecc.portal.views import certificates as views

urlpatterns = [
    path("certificates/", views.CertificateListView.as_view(), name="certificate.list"),
    path("certificates/<int:pk>/pdf/", views.CertificatePdfView.as_view(),
         name="certificate.pdf"),
]
