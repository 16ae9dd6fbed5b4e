"""The Celery application: eager in the embedded default, Redis broker in production."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gecc.settings")

app = Celery("gecc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
