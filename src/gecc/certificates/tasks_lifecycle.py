"""The certificates' daily job as a Celery task: expiry, then renewal reminders
(``gecc.certificates.domain.lifecycle``). Celery beat starts it every day at 00:30
Asia/Bangkok (``CELERY_BEAT_SCHEDULE["certificates-daily-lifecycle"]`` in settings);
``manage.py expire_certificates`` and ``manage.py send_renewal_reminders`` run the same
functions. Both are idempotent, so a run repeated or missed does no harm.

Celery's ``autodiscover_tasks`` imports only ``<app>.tasks``; this module is imported at
start-up from ``gecc.certificates.labels_lifecycle`` (loaded by ``checks.py`` in
``AppConfig.ready``), so a worker knows the task."""

from gecc.celery import app


@app.task(name="gecc.certificates.daily_lifecycle", ignore_result=True)
def daily_lifecycle():
    """Expire what ended yesterday, then send the reminders due today. Returns the two
    counts (``{"expired": n, "reminders": m}``)."""
    from gecc.certificates.domain.lifecycle import expire_certificates, send_renewal_reminders

    return {"expired": expire_certificates(), "reminders": send_renewal_reminders()}
