from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingState(models.TextChoices):
    """A steering-committee meeting: decisions are recorded while it is open and become
    final when it is closed."""

    OPEN = "open", _("Open (decisions being recorded)")
    CLOSED = "closed", _("Closed (decisions final)")


class DecisionOutcome(models.TextChoices):
    CERTIFY = "certify", _("Certify")
    NOT_CERTIFY = "not_certify", _("Not certify")
    DEFER = "defer", _("Defer")


class DecisionChange(models.TextChoices):
    """How a decision came to read as it does after its meeting closed."""

    MEETING = "meeting", _("Decided at the meeting")
    APPEAL = "appeal", _("Changed on appeal")
    CORRECTION = "correction", _("Corrected")


class AppealState(models.TextChoices):
    FILED = "filed", _("Filed")
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


# An appeal still waiting for its outcome.
OPEN_APPEAL_STATES = frozenset({AppealState.FILED, AppealState.RECEIVED,
                                AppealState.UNDER_REVIEW})


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    ACTIONED = "actioned", _("Action taken")
    CLOSED = "closed", _("Closed without action")


OPEN_COMPLAINT_STATES = frozenset({ComplaintState.RECEIVED, ComplaintState.UNDER_REVIEW})
