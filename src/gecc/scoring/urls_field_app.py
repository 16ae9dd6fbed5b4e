"""The field app's pages (``/field/``): the app shell, its service worker, the web app
manifest and the day's visit pack."""

from django.urls import path

from gecc.scoring.views import field

urlpatterns = [
    path("", field.FieldAppView.as_view(), name="app"),
    path("sw.js", field.ServiceWorkerView.as_view(), name="sw"),
    path("manifest.webmanifest", field.ManifestView.as_view(), name="manifest"),
    path("api/pack/", field.PackView.as_view(), name="api.pack"),
]
