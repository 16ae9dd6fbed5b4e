"""Complaints from the public on the staff side (namespace ``decisions``, the secretariat
only)."""

from django.urls import path

from gecc.decisions.views import complaints as views

urlpatterns = [
    path("complaints/", views.ComplaintListView.as_view(), name="complaint.list"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(),
         name="complaint.detail"),
    path("complaints/<int:pk>/triage/", views.ComplaintTriageView.as_view(),
         name="complaint.triage"),
]
