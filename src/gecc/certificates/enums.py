from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateState(models.TextChoices):
    """A certificate's lifecycle: issued → suspended → issued again (reinstated) or
    withdrawn; issued → expired at the end of its validity."""

    ISSUED = "issued", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class VerifyStatus(models.TextChoices):
    """What the public verification page says of a certificate."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BatchState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Generating")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


# Renewal reminders to the coordinators, in days before the end of validity.
REMINDER_DAYS = (180, 90, 30)
