"""The public site (no sign-in): the home page, the registry of certified centres,
certificate verification and complaints; one URL module per part."""

from django.urls import path

from gecc.public import views
from gecc.public.urls_complaints import urlpatterns as complaints
from gecc.public.urls_registry import urlpatterns as registry

app_name = "public"

urlpatterns = [path("", views.home, name="home"), *registry, *complaints]
