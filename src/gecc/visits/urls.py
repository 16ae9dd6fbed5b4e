from django.urls import path

from gecc.visits import views

app_name = "visits"

urlpatterns = [
    # The secretariat: a round's itineraries, one team's itinerary and its adjustments.
    path("", views.ItineraryListView.as_view(), name="itinerary.list"),
    path("rounds/<int:year>/plan-all/", views.ItineraryPlanAllView.as_view(),
         name="itinerary.plan_all"),
    path("teams/<int:team_pk>/plan/", views.ItineraryPlanView.as_view(),
         name="itinerary.plan"),
    path("itineraries/<int:pk>/", views.ItineraryDetailView.as_view(),
         name="itinerary.detail"),
    path("itineraries/<int:pk>/settings/", views.ItineraryParametersView.as_view(),
         name="itinerary.parameters"),
    path("itineraries/<int:pk>/confirm/", views.ItineraryConfirmView.as_view(),
         name="itinerary.confirm"),
    path("itineraries/<int:pk>/pdf/", views.ItineraryPdfView.as_view(), name="itinerary.pdf"),
    path("days/<int:pk>/hotel/", views.DayHotelView.as_view(), name="day.hotel"),
    path("visits/<int:pk>/", views.VisitEditView.as_view(), name="visit.edit"),
    path("visits/<int:pk>/fix/", views.VisitFixView.as_view(), name="visit.fix"),
    path("visits/<int:pk>/unfix/", views.VisitUnfixView.as_view(), name="visit.unfix"),
    path("visits/<int:pk>/duration/", views.VisitDurationView.as_view(),
         name="visit.duration"),
    path("visits/<int:pk>/unit-hours/", views.UnitWindowView.as_view(), name="unit.window"),
    # Calendars: one visit (coordinators, members, secretariat) and a member's feed.
    path("visits/<int:pk>/calendar.ics", views.VisitIcsView.as_view(), name="visit.ics"),
    path("my-schedule/", views.MyScheduleView.as_view(), name="schedule.mine"),
    path("feed/<str:token>/calendar.ics", views.MemberFeedView.as_view(),
         name="schedule.feed"),
]
