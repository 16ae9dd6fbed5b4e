"""Delivering one outbox message through Django's mail backend."""

import datetime
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from gecc.audit.domain import log_action
from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxMessage

from .links import relative_link_error

ERROR_MAX_LENGTH = 2000


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


def build_email(message):
    email = EmailMultiAlternatives(subject=message.subject, body=message.body_text,
                                   from_email=settings.DEFAULT_FROM_EMAIL, to=list(message.to))
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments or ():
        email.attach(attachment["filename"], attachment["content"],
                     attachment["content_type"])
    return email


def deliver(message_id, *, will_retry=None, retry_delay=0):
    """Send the message unless it was already sent; record the attempt.

    Returns ``(message, error)``: ``error`` is the exception when sending failed. A failure is
    marked ``failed`` and audited as ``notification.failed``, unless ``will_retry(error)``
    says another attempt follows: then the message stays ``queued`` with the error kept and
    its next attempt due in ``retry_delay`` seconds.
    """
    message = OutboxMessage.objects.get(pk=message_id)
    if message.status == OutboxStatus.SENT:
        return message, None
    refusal = relative_link_error(message.subject, message.body_text, message.body_html)
    if refusal:  # stored before the check, or sent again: never mail a link nobody can open
        message.last_error = refusal[:ERROR_MAX_LENGTH]
        message.status, message.next_attempt_at = OutboxStatus.FAILED, None
        message.save(update_fields=["last_error", "status", "next_attempt_at"])
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
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        if final:
            log_action("notification.failed", obj=message, actor_label="system",
                       data={"event": message.event, "to": message.to,
                             "attempts": message.attempts, "error": message.last_error})
        return message, exc
    message.status = OutboxStatus.SENT
    message.sent_at = timezone.now()
    message.next_attempt_at = None
    message.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
    return message, None
