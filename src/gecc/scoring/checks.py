"""Registered when Django starts (``ScoringConfig.ready``): audit labels, outbox event labels
and the round phase checks of on-site scoring."""

from gecc.audit.labels import register_action_labels, register_field_labels
from gecc.notifications.enums import EVENT_LABELS as OUTBOX_EVENT_LABELS
from gecc.rounds.domain.rounds import register_phase_check
from gecc.scoring.domain.consolidation import team_sheets_locked
from gecc.scoring.labels import ACTION_LABELS, EVENT_LABELS, FIELD_LABELS

register_action_labels(ACTION_LABELS)
register_field_labels(FIELD_LABELS)
OUTBOX_EVENT_LABELS.update(EVENT_LABELS)
# A round leaves its site visits for the decision only once every accepted application
# with a confirmed sub-committee has a locked team sheet (its proposed result).
register_phase_check(team_sheets_locked)
