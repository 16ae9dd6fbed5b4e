"""A certificate's lifecycle on the staff side (namespace ``certificates``): suspend,
reinstate, withdraw, each with a reason and a confirmation page (the secretariat)."""

from django.urls import path

from gecc.certificates.views import lifecycle as views

urlpatterns = [
    path("<int:pk>/suspend/", views.CertificateSuspendView.as_view(),
         name="certificate.suspend"),
    path("<int:pk>/reinstate/", views.CertificateReinstateView.as_view(),
         name="certificate.reinstate"),
    path("<int:pk>/withdraw/", views.CertificateWithdrawView.as_view(),
         name="certificate.withdraw"),
]
