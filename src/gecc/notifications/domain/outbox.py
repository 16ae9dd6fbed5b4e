"""Storing messages in the outbox and scheduling their sending."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from gecc.audit.domain import log_action
from gecc.common.queue import enqueue_on_commit
from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxMessage

from .links import relative_link_error
from .render import render_email

logger = logging.getLogger(__name__)


class NotificationError(Exception):
    """An outbox action that is not allowed in the message's current state."""


def clean_recipients(recipients):
    """The addresses stripped, without empties and without repeats (case-insensitive),
    in the order given."""
    seen, cleaned = set(), []
    for address in recipients or []:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            cleaned.append(address)
    return cleaned


def schedule_send(message):
    """Send ``message`` by the Celery task once the surrounding transaction commits (at once
    when there is none). A broker that cannot be reached is logged, never raised, and costs
    at most about a second (``gecc.common.queue``): the message then stays queued in the
    outbox and the sweep (``sweep_outbox``) sends it later."""
    from gecc.notifications.tasks import send_outbox_message

    enqueue_on_commit(send_outbox_message, message.pk)


def _attachment_rows(attachments):
    """``(filename, content, content_type)`` triples → stored rows; text content only (a
    calendar file, say), kept with the message so a resend sends the same file."""
    rows = []
    for filename, content, content_type in attachments or ():
        if isinstance(content, bytes):
            content = content.decode("utf-8")
        rows.append({"filename": str(filename), "content_type": str(content_type),
                     "content": content})
    return rows


def notify(event, *, recipients, context, obj=None, actor=None, attachments=None):
    """Render the email of ``event``, store it in the outbox and send it after commit.

    One message per call, addressed to every recipient (``to`` lists them all). Returns the
    stored messages: ``[message]``, or ``[]`` when no recipient is left after removing
    empties and repeats. Raises ``UnknownEventError`` for an event without templates.

    A message whose text still holds a relative link (``SITE_URL`` unset) is stored as
    ``failed`` with the reason and never sent (``notification.failed``): the state change
    that caused it goes through, and the outbox page shows what to fix.

    ``attachments``: ``(filename, text or UTF-8 bytes, content type)`` triples, such as a
    visit's ``.ics`` calendar file.
    """
    addresses = clean_recipients(recipients)
    rendered = render_email(event, context)  # an unknown event fails even with no recipient
    if not addresses:
        return []
    message = OutboxMessage(
        event=event, to=addresses, subject=rendered.subject, body_text=rendered.body_text,
        body_html=rendered.body_html, attachments=_attachment_rows(attachments),
        language=rendered.language, status=OutboxStatus.QUEUED,
        next_attempt_at=timezone.now(),
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
    if obj is not None:
        message.content_type = ContentType.objects.get_for_model(obj)
        message.object_id = str(obj.pk)
        message.object_repr = str(obj)[:300]
    refusal = relative_link_error(message.subject, message.body_text, message.body_html)
    if refusal:
        message.status = OutboxStatus.FAILED
        message.last_error = refusal
        message.next_attempt_at = None
    message.save(force_insert=True)
    if refusal:
        logger.error("Outbox message %s (%s) refused: %s", message.pk, event, refusal)
        log_action("notification.failed", obj=message, actor_label="system",
                   data={"event": event, "to": message.to, "attempts": 0, "error": refusal})
        return [message]
    schedule_send(message)
    return [message]


@transaction.atomic
def resend(message, *, actor, request=None):
    """Queue a failed message again; it is sent after commit. Audited as
    ``notification.resent``."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != OutboxStatus.FAILED:
        raise NotificationError("Only a failed message can be sent again.")
    message.status = OutboxStatus.QUEUED
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "next_attempt_at"])
    log_action("notification.resent", actor=actor, obj=message, request=request,
               before={"status": OutboxStatus.FAILED.value},
               after={"status": OutboxStatus.QUEUED.value},
               data={"event": message.event, "to": message.to, "attempts": message.attempts})
    schedule_send(message)
    return message
