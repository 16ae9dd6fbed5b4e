"""The field app (``/field/``, namespace ``field``): the installable offline web app members
score with on a tablet (shell, service worker, manifest, visit pack) and its JSON API
(sync, sheet submission, resumable photo uploads)."""

from gecc.scoring.urls_field_app import urlpatterns as field_app
from gecc.scoring.urls_sync import urlpatterns as sync

app_name = "field"

urlpatterns = [*field_app, *sync]
