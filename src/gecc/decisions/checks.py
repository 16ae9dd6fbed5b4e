"""Registered when Django starts (``DecisionsConfig.ready``): audit labels, outbox event
labels and the round phase checks of the decision."""

from gecc.audit.labels import register_action_labels, register_field_labels
from gecc.decisions.labels import ACTION_LABELS, EVENT_LABELS, FIELD_LABELS
from gecc.notifications.enums import EVENT_LABELS as OUTBOX_EVENT_LABELS

register_action_labels(ACTION_LABELS)
register_field_labels(FIELD_LABELS)
OUTBOX_EVENT_LABELS.update(EVENT_LABELS)
