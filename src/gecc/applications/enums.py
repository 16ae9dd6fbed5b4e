from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationKind(models.TextChoices):
    NEW = "new", _("New application")
    RENEWAL = "renewal", _("Renewal")


class ApplicationState(models.TextChoices):
    """Where an application stands. Transitions live in ``domain/transitions.py``."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted for site visit")
    REJECTED = "rejected", _("Rejected at desk review")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationAction(models.TextChoices):
    """The actions that move an application from one state to another."""

    SUBMIT = "submit", _("Submit")
    RETURN = "return", _("Return for correction")
    RESUBMIT = "resubmit", _("Resubmit")
    ACCEPT = "accept", _("Accept for site visit")
    REJECT = "reject", _("Reject")
    WITHDRAW = "withdraw", _("Withdraw")


S = ApplicationState

# The unit may still change its application (self-assessment, contact, level).
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# Waiting for the secretariat's desk review.
REVIEWABLE_STATES = frozenset({S.SUBMITTED, S.RESUBMITTED})
# No longer going anywhere: a unit may apply again in the same round.
DEAD_STATES = frozenset({S.REJECTED, S.WITHDRAWN})
# Everything else counts as the unit's one live application in a round.
LIVE_STATES = frozenset(set(S) - DEAD_STATES)
# Before a decision: the unit may still withdraw.
WITHDRAWABLE_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.RESUBMITTED, S.ACCEPTED})
# Still waiting for a desk-review decision (or for the unit's corrections): a round cannot
# go on to its site visits while any application stands here.
UNDECIDED_STATES = frozenset({S.SUBMITTED, S.RETURNED, S.RESUBMITTED})
# Sent to the secretariat at least once.
SENT_STATES = frozenset(set(S) - {S.DRAFT})
