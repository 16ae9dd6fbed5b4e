"""Background tasks every app may use.

In the embedded default Celery runs tasks eagerly (CELERY_TASK_ALWAYS_EAGER); in production
a worker picks the task up from the Redis broker. Task arguments are JSON
(CELERY_TASK_SERIALIZER), so pass plain strings and lists, never model instances. Queue work
from a request with ``gecc.common.queue.enqueue_on_commit`` (bounded, never raises), and
send email through the outbox (``gecc.common.outbox.notify``), not ``send_email_task``,
which keeps no record of what was sent.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from gecc.celery import app
from gecc.common.queue import run_sweeps


@app.task(name="gecc.common.ping")
def ping():
    """Answer "pong": proves that a worker is listening."""
    return "pong"


@app.task(name="gecc.common.sweep", ignore_result=True)
def sweep():
    """Pick up the work a broker outage left waiting (outbox messages still ``queued``,
    import jobs nobody checked): every sweep registered with
    ``gecc.common.queue.register_sweep``. Runs periodically (CELERY_BEAT_SCHEDULE); the
    same as ``manage.py sweep_queues``."""
    return run_sweeps()


@app.task(
    name="gecc.common.send_email",
    autoretry_for=(OSError,),  # SMTP connection trouble: try again later
    retry_backoff=True,
    max_retries=5,
)
def send_email_task(subject, body, to, html_body=None, from_email=None, reply_to=None):
    """Send one email through Django's mail backend; return how many were sent (0 or 1).

    ``to`` is one address or a list of addresses.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return 0
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[reply_to] if isinstance(reply_to, str) else reply_to,
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
