"""Registered when Django starts (``CertificatesConfig.ready``): audit labels, outbox event
labels and the hooks the lower apps call."""

from gecc.audit.labels import register_action_labels, register_field_labels
from gecc.certificates.labels import ACTION_LABELS, EVENT_LABELS, FIELD_LABELS
from gecc.notifications.enums import EVENT_LABELS as OUTBOX_EVENT_LABELS

register_action_labels(ACTION_LABELS)
register_field_labels(FIELD_LABELS)
OUTBOX_EVENT_LABELS.update(EVENT_LABELS)
from gecc.certificates.domain import listeners, renewal  # noqa: E402,F401  (register hooks)
