"""Background sending of outbox messages (eager in the embedded default)."""

from celery import shared_task

RETRY_DELAYS = (60, 300, 900, 3600, 3 * 3600)  # seconds before each retry


@shared_task(bind=True, name="gecc.notifications.send_outbox_message",
             max_retries=len(RETRY_DELAYS))
def send_outbox_message(self, message_id):
    """Send one outbox message; return its status.

    A connection error is retried later with a growing delay by a worker; when Celery runs
    eagerly (demo, tests) nothing is retried and the message is marked failed at once, so a
    request never waits on a mail server. The secretariat can resend a failed message. If
    the retry cannot be queued (the broker is down), the message stays queued with its next
    attempt due, and the sweep sends it.

    Delivered twice (the broker gives a killed worker's tasks to another one), it sends
    nothing the second time: the message is claimed first (``sending.claim``), so only one
    delivery sends it, and a sent one is left alone.
    """
    from gecc.notifications.domain.sending import deliver, is_connection_error

    can_retry = not self.request.is_eager and self.request.retries < self.max_retries
    delay = RETRY_DELAYS[min(self.request.retries, len(RETRY_DELAYS) - 1)]

    def will_retry(error):
        return can_retry and is_connection_error(error)

    message, error = deliver(message_id, will_retry=will_retry, retry_delay=delay)
    if error is not None and will_retry(error):
        raise self.retry(exc=error, countdown=delay)
    return message.status
