"""Audit titles of the steering-committee report (merged by ``gecc.decisions.labels``)."""

from gecc.decisions.labels import _action

ACTION_LABELS = {
    "decisions.report_exported": _action("Steering-committee report downloaded"),
}
