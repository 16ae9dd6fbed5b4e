"""The members' scoring API, included in the field app (``/field/``, namespace ``field``):
sync batches, submitting a sheet, resumable photo uploads. ``api.photo.file`` (GET) and
``api.photo.chunk`` (PUT) are one address answered by one view."""

from django.urls import path

from gecc.scoring.views import api

urlpatterns = [
    path("api/sync/", api.sync_view, name="api.sync"),
    path("api/applications/<int:application_pk>/submit/", api.submit_view, name="api.submit"),
    path("api/photos/", api.photo_start_view, name="api.photo.start"),
    path("api/photos/<str:sha256>/status/", api.photo_status_view, name="api.photo.status"),
    path("api/photos/<str:sha256>/", api.photo_view, name="api.photo.file"),
    path("api/photos/<str:sha256>/", api.photo_view, name="api.photo.chunk"),
]
