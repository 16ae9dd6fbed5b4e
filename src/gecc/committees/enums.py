from django.db import models
from django.utils.translation import gettext_lazy as _


class Position(models.TextChoices):
    """A member's position on a sub-committee."""

    CHAIR = "chair", _("Chair")
    QUALIFIED = "qualified_member", _("Qualified member")
    SECRETARY = "member_secretary", _("Member and secretary")
    ASSISTANT = "assistant_secretary", _("Assistant secretary")


# A sub-committee has exactly one of each of these.
SINGLE_POSITIONS = frozenset({Position.CHAIR, Position.SECRETARY})


class ConflictKind(models.TextChoices):
    """Why a member may not assess a unit: declared by the member or detected."""

    DECLARED = "declared", _("Declared by the member")
    AFFILIATION = "affiliation", _("Works for the unit's organisation")
    COORDINATOR = "coordinator", _("Is or was the unit's coordinator")
    PREVIOUS_ROUND = "previous_round", _("Assessed the unit in the previous round")


DETECTED_KINDS = frozenset({ConflictKind.AFFILIATION, ConflictKind.COORDINATOR,
                            ConflictKind.PREVIOUS_ROUND})


class AssignmentState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
