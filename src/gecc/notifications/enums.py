from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("outbox status", "Queued")
    # Taken by one worker (or the sweep) and being handed to the mail server; a message left
    # in this state by a worker that died is sent again by the sweep.
    SENDING = "sending", pgettext_lazy("outbox status", "Sending")
    SENT = "sent", pgettext_lazy("outbox status", "Sent")
    FAILED = "failed", pgettext_lazy("outbox status", "Failed")


# Readable names of the events that have email templates in this app. Another app may ship
# templates for its own events under ``templates/notifications/email/<event>/``; such an
# event is shown by its code until a label is added here.
EVENT_LABELS = {
    "application.submitted": _("Application submitted"),
    "application.resubmitted": _("Application resubmitted"),
    "application.returned": _("Application returned for correction"),
    "application.accepted": _("Application accepted for site visit"),
    "application.rejected": _("Application rejected at desk review"),
    "unit.coordinator_invited": _("Coordinator invited"),
    "user.password_reset": _("Password reset link"),
}

# Events whose message carries a link that lets its reader choose the recipient's password:
# the outbox pages show that such a message exists and whether it was sent, never its text.
SECRET_LINK_EVENTS = frozenset({"unit.coordinator_invited", "user.password_reset"})


def event_label(event: str) -> str:
    return str(EVENT_LABELS.get(event, event))
