"""The feedback report (staff side): read, print, release (namespace ``scoring``)."""

from django.urls import path

from gecc.scoring.views import feedback as views

urlpatterns = [
    path("teams/<int:pk>/feedback/", views.FeedbackDetailView.as_view(),
         name="feedback.detail"),
    path("teams/<int:pk>/feedback/pdf/", views.FeedbackPdfView.as_view(), name="feedback.pdf"),
    path("teams/<int:pk>/feedback/release/", views.FeedbackReleaseView.as_view(),
         name="feedback.release"),
    path("round/<int:round_pk>/feedback/release/", views.RoundFeedbackReleaseView.as_view(),
         name="feedback.release_round"),
]
