"""Registered when Django starts (``DecisionsConfig.ready``): audit labels, outbox event
labels and the round phase checks of the decision."""

from gecc.audit.labels import register_action_labels, register_field_labels
from gecc.decisions.domain.meetings import decisions_settled
from gecc.decisions.labels import ACTION_LABELS, EVENT_LABELS, FIELD_LABELS
from gecc.notifications.enums import EVENT_LABELS as OUTBOX_EVENT_LABELS
from gecc.rounds.domain.rounds import register_phase_check

register_action_labels(ACTION_LABELS)
register_field_labels(FIELD_LABELS)
OUTBOX_EVENT_LABELS.update(EVENT_LABELS)
# A round leaves its decision for "announced" only once every application with a proposed
# result has a final decision, no deferral waits and no meeting of the round is open.
register_phase_check(decisions_settled)
