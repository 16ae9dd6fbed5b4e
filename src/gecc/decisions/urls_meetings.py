"""Steering-committee meetings and decisions (namespace ``decisions``)."""

from django.urls import path

from gecc.decisions.views import decisions as decision_views
from gecc.decisions.views import meetings as views

urlpatterns = [
    path("round/<int:round_pk>/meetings/", views.MeetingListView.as_view(),
         name="meeting.list"),
    path("round/<int:round_pk>/meetings/new/", views.MeetingCreateView.as_view(),
         name="meeting.create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting.detail"),
    path("meetings/<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting.update"),
    path("meetings/<int:pk>/approve/", views.MeetingApproveView.as_view(),
         name="meeting.approve"),
    path("meetings/<int:pk>/close/", views.MeetingCloseView.as_view(), name="meeting.close"),
    path("meetings/<int:pk>/applications/<int:application_pk>/",
         decision_views.DecisionRecordView.as_view(), name="decision.record"),
    path("decision/<int:pk>/", decision_views.DecisionDetailView.as_view(),
         name="decision.detail"),
    path("decision/<int:pk>/correct/", decision_views.DecisionCorrectView.as_view(),
         name="decision.correct"),
]
