"""The public complaint form of a certified centre (no sign-in)."""

from django.urls import path

from gecc.public import views_complaints as views

urlpatterns = [
    path("complaint/<str:code>/", views.ComplaintCreateView.as_view(),
         name="complaint.create"),
    path("complaint/thanks/<str:token>/", views.ComplaintDoneView.as_view(),
         name="complaint.done"),
]
