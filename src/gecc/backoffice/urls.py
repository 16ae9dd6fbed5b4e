from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("", views.secretariat_home, name="home.secretariat"),
    path("assessment/", views.assessor_home, name="home.assessor"),
    path("steering/", views.steering_home, name="home.steering"),
]
