from django.urls import path

from gecc.rounds import views

app_name = "rounds"

urlpatterns = [
    path("", views.RoundListView.as_view(), name="round.list"),
    path("new/", views.RoundCreateView.as_view(), name="round.create"),
    path("<int:year>/", views.RoundDetailView.as_view(), name="round.detail"),
    path("<int:year>/dates/", views.RoundDatesUpdateView.as_view(), name="round.dates"),
    path("<int:year>/open/", views.RoundPhaseActionView.as_view(action="open"),
         name="round.open"),
    path("<int:year>/advance/", views.RoundPhaseActionView.as_view(action="advance"),
         name="round.advance"),
    path("<int:year>/close/", views.RoundPhaseActionView.as_view(action="close"),
         name="round.close"),
]
