"""Delivering one outbox message through Django's mail backend, once.

An attempt first *claims* the message with one conditional UPDATE (``claim``): ``queued`` →
``sending``, with ``next_attempt_at`` set to the moment the attempt started. Of two deliveries
of the same message (a task delivered twice by the broker, a task and the sweep, two sweeps)
exactly one gets it; the other sends nothing. The outcome (``sent``, ``failed``, or ``queued``
again for a retry) is written once the mail server has answered; that write waits out a
database that is briefly unreachable (a restart), since losing it would send the message
again later.

A worker killed during an attempt leaves the message ``sending``; after
``OUTBOX_SWEEP_AFTER_SECONDS`` it counts as abandoned and the next claim (the sweep's, or a
late task's) sends it again. Only a worker that dies in the instant between the mail server's
acceptance and that write can cause a second copy; every copy of a message carries the same
``Message-ID``, by which mail programs recognise it.
"""

import datetime
import logging
import smtplib
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Q
from django.utils import timezone

from gecc.audit.domain import log_action
from gecc.common.db import when_database_answers
from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxMessage

from .links import relative_link_error

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000
DEFAULT_SWEEP_AFTER_SECONDS = 300
# How long the outcome of an attempt may wait for the database to answer again.
OUTCOME_WRITE_PATIENCE_SECONDS = 60


def sweep_after():
    """``OUTBOX_SWEEP_AFTER_SECONDS`` as a timedelta: how long a message may stay queued past
    its due time, or sending, before the sweep takes it."""
    return datetime.timedelta(seconds=int(getattr(
        settings, "OUTBOX_SWEEP_AFTER_SECONDS", DEFAULT_SWEEP_AFTER_SECONDS)))


def abandoned(now=None):
    """Messages whose attempt started more than ``OUTBOX_SWEEP_AFTER_SECONDS`` ago and never
    reported back: their worker died."""
    return Q(status=OutboxStatus.SENDING,
             next_attempt_at__lte=(now or timezone.now()) - sweep_after())


def claim(message_id, *, now=None, due=...) -> bool:
    """Take the message for one attempt: a ``queued`` one (whose next attempt is due at
    ``due``, when given), or an abandoned ``sending`` one. True for exactly one of any
    number of simultaneous callers."""
    now = now or timezone.now()
    waiting = Q(status=OutboxStatus.QUEUED)
    if due is not ...:
        waiting &= Q(next_attempt_at=due) if due is not None else Q(next_attempt_at__isnull=True)
    return bool(OutboxMessage.objects.filter(pk=message_id).filter(waiting | abandoned(now))
                .update(status=OutboxStatus.SENDING, next_attempt_at=now))


class RelativeLinkError(ValueError):
    """The message holds a link that only works inside the site (see ``links``)."""


def is_connection_error(exc) -> bool:
    """True for trouble reaching the mail server (worth trying again later); False when the
    server answered and refused the message."""
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)  # connection refused or reset, timeouts, DNS


def message_id(message) -> str:
    """The ``Message-ID`` of every copy of ``message``: the same for a second attempt, so a
    mail program shows a copy sent twice (a worker killed at the wrong instant) once."""
    domain = (urlparse(getattr(settings, "SITE_URL", "") or "").hostname
              or settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "gecc.localhost")
    stamp = message.created_at.strftime("%Y%m%d%H%M%S") if message.created_at else "0"
    return f"<outbox.{message.pk}.{stamp}@{domain}>"


def build_email(message):
    email = EmailMultiAlternatives(subject=message.subject, body=message.body_text,
                                   from_email=settings.DEFAULT_FROM_EMAIL, to=list(message.to),
                                   headers={"Message-ID": message_id(message)})
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments or ():
        email.attach(attachment["filename"], attachment["content"],
                     attachment["content_type"])
    return email


def _record(message, fields):
    """Save the outcome of an attempt. A database that cannot be reached (restarting) is
    tried again for up to ``OUTCOME_WRITE_PATIENCE_SECONDS`` on a new connection; inside a
    transaction there is nothing to retry, and the error goes on."""
    def save():
        message.save(update_fields=fields)

    if connection.in_atomic_block:
        return save()

    def warn(exc):
        logger.warning("outbox message %s: its outcome (%s) could not be stored yet (%s); "
                       "trying again", message.pk, message.status, exc)

    return when_database_answers(save, patience=OUTCOME_WRITE_PATIENCE_SECONDS,
                                 errors=(OperationalError, InterfaceError), max_delay=5.0,
                                 on_error=warn)


def deliver(message_id, *, will_retry=None, retry_delay=0, claimed=False):
    """Send the message unless it was already sent, or is being sent by someone else;
    record the attempt.

    Returns ``(message, error)``: ``error`` is the exception when sending failed. A failure is
    marked ``failed`` and audited as ``notification.failed``, unless ``will_retry(error)``
    says another attempt follows: then the message is ``queued`` again with the error kept
    and its next attempt due in ``retry_delay`` seconds. ``claimed``: the caller already took
    the message with ``claim``.
    """
    if not claimed and not claim(message_id):
        return OutboxMessage.objects.get(pk=message_id), None
    message = OutboxMessage.objects.get(pk=message_id)
    refusal = relative_link_error(message.subject, message.body_text, message.body_html)
    if refusal:  # stored before the check, or sent again: never mail a link nobody can open
        message.last_error = refusal[:ERROR_MAX_LENGTH]
        message.status, message.next_attempt_at = OutboxStatus.FAILED, None
        _record(message, ["last_error", "status", "next_attempt_at"])
        log_action("notification.failed", obj=message, actor_label="system",
                   data={"event": message.event, "to": message.to,
                         "attempts": message.attempts, "error": message.last_error})
        return message, RelativeLinkError(refusal)
    message.attempts += 1
    try:
        build_email(message).send()
    except Exception as exc:  # any backend error is recorded on the message
        final = not (will_retry is not None and will_retry(exc))
        message.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
        message.status = OutboxStatus.FAILED if final else OutboxStatus.QUEUED
        message.next_attempt_at = (
            None if final else timezone.now() + datetime.timedelta(seconds=retry_delay))
        _record(message, ["attempts", "last_error", "status", "next_attempt_at"])
        if final:
            log_action("notification.failed", obj=message, actor_label="system",
                       data={"event": message.event, "to": message.to,
                             "attempts": message.attempts, "error": message.last_error})
        return message, exc
    message.status = OutboxStatus.SENT
    message.sent_at = timezone.now()
    message.next_attempt_at = None
    _record(message, ["attempts", "status", "sent_at", "next_attempt_at"])
    return message, None
