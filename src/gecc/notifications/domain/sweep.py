"""The outbox sweep: send the messages a broker outage (or a lost task) left queued, and
the messages a worker that died left sending.

A message is queued with ``next_attempt_at`` set to when its next attempt is due. The
sending task normally makes that attempt within seconds; a message still queued
``OUTBOX_SWEEP_AFTER_SECONDS`` after it was due never reached a worker, or its retry was
never queued (a broker outage, a flushed Redis, a worker killed with tasks it had taken). A
message still ``sending`` that long after its attempt started was abandoned by a worker that
died mid-send. The sweep sends both in its own process (no broker needed, so
``manage.py sweep_queues`` also works while Redis is down), with the same retry delays as
the task: a mail server that cannot be reached leaves the message queued for a later sweep,
up to the task's number of attempts, then it is marked failed. Each message is claimed first
(``sending.claim``), so a task arriving meanwhile sends nothing.
"""

import logging

from django.db.models import Q
from django.utils import timezone

from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxMessage

from .sending import DEFAULT_SWEEP_AFTER_SECONDS, abandoned, claim, deliver, is_connection_error
from .sending import sweep_after as sweep_after

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_SWEEP_AFTER_SECONDS", "stale_messages", "sweep_after", "sweep_outbox"]

SWEEP_BATCH = 500  # messages per run, oldest first; the next run takes the rest


def stale_messages(now=None):
    """Queued messages whose attempt was due more than ``OUTBOX_SWEEP_AFTER_SECONDS`` ago
    (messages stored before ``next_attempt_at`` existed count from their creation), and
    messages whose worker died while sending them."""
    now = now or timezone.now()
    cutoff = now - sweep_after()
    queued = OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).filter(
        Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True, created_at__lte=cutoff))
    return queued | OutboxMessage.objects.filter(abandoned(now))


def _claim(pk, due, now):
    """Take the message for this run: a second sweep running at the same time, or a late
    task, finds it ``sending`` and leaves it."""
    return claim(pk, now=now, due=due)


def sweep_outbox(*, now=None, limit=SWEEP_BATCH) -> dict:
    """Send every stale message once; returns ``{"sent", "queued", "failed"}`` counts
    (queued: the mail server could not be reached, a later sweep tries again)."""
    from gecc.notifications.tasks import RETRY_DELAYS

    now = now or timezone.now()
    counts = {"sent": 0, "queued": 0, "failed": 0}
    rows = list(stale_messages(now).order_by("created_at", "pk")
                .values_list("pk", "status", "next_attempt_at", "attempts")[:limit])
    for pk, status, due, attempts in rows:
        # An abandoned attempt is taken whatever its start time; a queued message only if
        # nobody took it since it was read.
        if not _claim(pk, due if status == OutboxStatus.QUEUED else ..., now):
            continue
        # attempts counts the attempts before this one; the task allows one first attempt
        # and len(RETRY_DELAYS) retries.
        can_retry = attempts < len(RETRY_DELAYS)
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS) - 1)]
        message, _error = deliver(
            pk, will_retry=lambda exc, retry=can_retry: retry and is_connection_error(exc),
            retry_delay=delay, claimed=True)
        counts[message.status] += 1
    if rows:
        logger.info("outbox sweep: %s", counts)
    return counts
