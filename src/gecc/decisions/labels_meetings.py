"""Audit titles, field labels and outbox event labels of the steering-committee meetings and
decisions (merged by ``gecc.decisions.labels``)."""

from django.utils.translation import gettext_lazy as _

from gecc.decisions.labels import _action, _field

ACTION_LABELS = {
    "meeting.created": _action("Steering-committee meeting created"),
    "meeting.updated": _action("Steering-committee meeting record changed"),
    "meeting.closed": _action("Steering-committee meeting closed (decisions final)"),
    "decision.recorded": _action("Steering-committee decision recorded"),
    "decision.corrected": _action("Final decision corrected"),
    "decision.changed_on_appeal": _action("Final decision changed on appeal"),
}

FIELD_LABELS = {
    "held_on": _field("Meeting date"),
    "attendees": _field("Attendees"),
    "resolution": _field("Resolution"),
    "closed_at": _field("Closed"),
    "meeting": _field("Meeting"),
    "outcome": _field("Decision"),
    "on_behalf": _field("Recorded on the committee's behalf"),
    "change": _field("How it was last changed"),
    "revision": _field("Revision"),
    "proposed_percent": _field("Proposed score (%)"),
    "approved_as_proposed": _field("Approved as proposed"),
    "number": _field("Meeting number"),
    "level": _field("Level"),
    "proposed_level": _field("Proposed level"),
    "decisions": _field("Decisions"),
    "certify": _field("Certified"),
    "not_certify": _field("Not certified"),
    "defer": _field("Deferred"),
    "appeal": _field("Appeal"),
}

EVENT_LABELS = {
    "decisions.decided": _("Steering-committee decision sent to the unit"),
    "decisions.corrected": _("Corrected decision sent to the unit"),
}
