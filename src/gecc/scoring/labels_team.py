"""Audit titles and field labels of team consolidation and the proposed result."""

from django.utils.translation import pgettext_lazy


def _action(text):
    return pgettext_lazy("audit action", text)


def _field(text):
    return pgettext_lazy("audit field", text)


ACTION_LABELS = {
    "scoring.consensus_prefilled": _action("Consensus prefilled with the members' median"),
    "scoring.consensus_recorded": _action("Consensus score recorded"),
    "scoring.findings_recorded": _action("Findings recorded"),
    "scoring.threshold_changed": _action("Spread threshold changed"),
    "scoring.team_locked": _action("Team sheet locked with its proposed result"),
    "scoring.team_unlocked": _action("Team sheet unlocked"),
    "scoring.round_proposed": _action("Provisional results computed for the round"),
    "scoring.teams_exported": _action("Team sheets exported"),
}

FIELD_LABELS = {
    "value": _field("Score"),
    "median": _field("Members' median"),
    "strengths": _field("Strengths"),
    "improvements": _field("Improvements"),
    "spread_threshold": _field("Spread threshold"),
    "result_percent": _field("Proposed score (%)"),
    "result_level": _field("Proposed level"),
    "mandatory_failed": _field("Mandatory items failed"),
    "refs": _field("Items"),
}
