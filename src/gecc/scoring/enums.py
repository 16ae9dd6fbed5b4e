from django.db import models
from django.utils.translation import gettext_lazy as _


class SheetState(models.TextChoices):
    """A member's own score sheet for one application."""

    DRAFT = "draft", _("Being scored")
    SUBMITTED = "submitted", _("Submitted")


class TeamSheetState(models.TextChoices):
    """The sub-committee's consolidated sheet for one application."""

    OPEN = "open", _("Open for consolidation")
    LOCKED = "locked", _("Locked (proposed result)")


class ChangeOutcome(models.TextChoices):
    """What the server did with one change of a sync batch."""

    APPLIED = "applied", _("Applied")
    SUPERSEDED = "superseded", _("Kept in history (a later edit won)")
    DUPLICATE = "duplicate", _("Already received")
    REFUSED = "refused", _("Refused")


class HistoryReason(models.TextChoices):
    """Why a value sits in an item's history instead of being current."""

    REPLACED = "replaced", _("Replaced by a later edit")
    SUPERSEDED = "superseded", _("Arrived after a later edit")
