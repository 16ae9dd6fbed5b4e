"""Certificates on the staff side (namespace ``certificates``): list, export, detail, PDF,
and the bulk generation of a round's ZIP."""

from django.urls import path

from gecc.certificates.views import issue as views

urlpatterns = [
    path("", views.CertificateListView.as_view(), name="certificate.list"),
    path("export/", views.CertificateExportView.as_view(), name="certificate.export"),
    path("<int:pk>/", views.CertificateDetailView.as_view(), name="certificate.detail"),
    path("<int:pk>/pdf/", views.CertificatePdfView.as_view(), name="certificate.pdf"),
    path("rounds/<int:round_pk>/generate/", views.BatchCreateView.as_view(),
         name="batch.create"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch.detail"),
    path("batches/<int:pk>/download/", views.BatchDownloadView.as_view(),
         name="batch.download"),
]
