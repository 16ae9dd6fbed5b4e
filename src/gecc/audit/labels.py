"""Words for people in place of the audit log's codes.

An entry stores a namespaced action code (``application.answer_saved``) and JSON values under
field names (``self_score``). The staff pages, the per-object history and the CSV export show
the human title of each code and the human label of each field; the raw code stays visible,
small, for staff who search by it (the audit filter matches codes).

Every code written anywhere in ``src/`` has a title here (``tests/audit/test_labels.py`` scans
the source and fails on a code without one). An app that comes later may instead register its
own titles from its ``AppConfig.ready()`` with :func:`register_action_labels` and
:func:`register_field_labels`, so this app never imports upward.

The titles use the message contexts "audit action" and "audit field", so they never change
the translation of the same English words elsewhere (Django merges every app's catalogue).
"""

from django.utils.translation import pgettext_lazy


def _action(text):
    return pgettext_lazy("audit action", text)


def _field(text):
    return pgettext_lazy("audit field", text)


ACTION_LABELS = {
    # accounts
    "user.login": _action("Signed in"),
    "user.logout": _action("Signed out"),
    "user.login_failed": _action("Failed sign-in"),
    "user.locked": _action("Sign-in locked after repeated failures"),
    "user.session_expired": _action("Session expired"),
    "user.password_changed": _action("Password changed"),
    "user.password_reset_requested": _action("Password reset requested"),
    "user.otp_enrolled": _action("Two-step verification set up"),
    "user.otp_verified": _action("Two-step verification code accepted"),
    "user.otp_failed": _action("Wrong two-step verification code"),
    "user.otp_removed": _action("Two-step verification removed"),
    # audit
    "audit.exported": _action("Audit log downloaded"),
    # registry
    "organization.created": _action("Organisation created"),
    "organization.updated": _action("Organisation updated"),
    "organization.deactivated": _action("Organisation deactivated"),
    "organization.imported": _action("Organisation imported from a file"),
    "unit.created": _action("Service unit created"),
    "unit.updated": _action("Service unit updated"),
    "unit.deactivated": _action("Service unit deactivated"),
    "unit.reactivated": _action("Service unit reactivated"),
    "unit.imported": _action("Service unit imported from a file"),
    "unit.coordinator_invited": _action("Coordinator invited"),
    "unit.coordinator_removed": _action("Coordinator removed"),
    "unit.coordinators_changed": _action("Coordinators changed"),
    "registry.import": _action("Registry file imported"),
    "registry.exported": _action("Service units downloaded"),
    "registry.import_errors_exported": _action("Import errors downloaded"),
    # criteria
    "criteria.version_loaded": _action("Criteria version loaded"),
    "criteria.version_locked": _action("Criteria version locked"),
    "criteria.version_deleted": _action("Criteria version deleted"),
    # notifications
    "notification.failed": _action("E-mail could not be sent"),
    "notification.resent": _action("E-mail queued again"),
    # rounds
    "round.created": _action("Round created"),
    "round.opened": _action("Round opened for applications"),
    "round.phase_changed": _action("Round moved to its next phase"),
    "round.dates_changed": _action("Round dates changed"),
    "round.closed": _action("Round closed"),
    # applications
    "application.created": _action("Application created"),
    "application.answer_saved": _action("Self-assessment answer saved"),
    "application.answer_confirmed": _action("Carried-forward answer confirmed"),
    "application.answers_confirmed": _action("Carried-forward answers confirmed together"),
    "application.submitted": _action("Application submitted"),
    "application.returned": _action("Application returned for correction"),
    "application.resubmitted": _action("Corrected application sent again"),
    "application.accepted": _action("Application accepted for a site visit"),
    "application.rejected": _action("Application rejected at desk review"),
    "application.withdrawn": _action("Application withdrawn"),
    "application.screened": _action("Screening checklist recorded"),
    "application.comment_added": _action("Review comment added"),
    "application.comment_resolved": _action("Review comment resolved"),
    "applications.generated": _action("Test applications generated"),
    "applications.exported": _action("Desk-review list downloaded"),
    # evidence
    "evidence.uploaded": _action("Evidence uploaded"),
    "evidence.replaced": _action("Evidence replaced"),
    "evidence.removed": _action("Evidence removed"),
    "evidence.downloaded": _action("Evidence downloaded"),
    "evidence.carried_forward": _action("Evidence carried forward from the last round"),
}

# Names used in the before/after/data of entries that are not a field of the entry's object
# (a model's own field is named by its verbose name first).
FIELD_LABELS = {
    "answer": _field("Answer"),
    "answers": _field("Answers"),
    "application": _field("Application"),
    "applications": _field("Applications"),
    "attempts": _field("Sending attempts"),
    "carried_forward": _field("Answers carried forward"),
    "carried_from": _field("Carried forward from"),
    "checksum": _field("Checksum"),
    "comment": _field("Comment"),
    "comments": _field("Comments"),
    "coordinators": _field("Coordinators"),
    "count": _field("Count"),
    "created": _field("Created"),
    "deadline": _field("Deadline"),
    "device": _field("Device"),
    "devices": _field("Devices"),
    "edition": _field("Criteria version"),
    "email": _field("E-mail"),
    "error": _field("Error"),
    "event": _field("Notification"),
    "explanation": _field("Explanation"),
    "file": _field("File"),
    "filters": _field("Filters"),
    "format": _field("File format"),
    "import": _field("Import entry"),
    "ip": _field("IP address"),
    "is_active": _field("Active"),
    "is_current": _field("Current version"),
    "item": _field("Item"),
    "items": _field("Items"),
    "kind": _field("Kind"),
    "known": _field("Known account"),
    "label": _field("Label"),
    "locked": _field("Locked"),
    "locked_seconds": _field("Locked for (seconds)"),
    "name": _field("Name"),
    "needs_confirmation": _field("Awaiting confirmation"),
    "new_account": _field("New account"),
    "not_applicable": _field("Not applicable"),
    "organizations": _field("Organisations"),
    "original_name": _field("File name"),
    "phase": _field("Phase"),
    "previous": _field("Previous application"),
    "reason": _field("Reason"),
    "resolved": _field("Resolved"),
    "revision": _field("Revision"),
    "round": _field("Round"),
    "rows": _field("Rows"),
    "scope": _field("Locked by"),
    "screening": _field("Screening checklist"),
    "second_factor": _field("Two-step verification"),
    "seed": _field("Random seed"),
    "self_score": _field("Self-assessment score"),
    "sha256": _field("SHA-256 checksum"),
    "size": _field("Size (bytes)"),
    "source": _field("Source file"),
    "standard": _field("Standard"),
    "state": _field("State"),
    "status": _field("Status"),
    "target_level": _field("Target level"),
    "text": _field("Text"),
    "throttled": _field("Refused as too frequent"),
    "to": _field("Recipients"),
    "unchanged": _field("Unchanged"),
    "unit": _field("Service unit"),
    "units": _field("Service units"),
    "updated": _field("Updated"),
    "version": _field("Version"),
    "via": _field("Changed through"),
    "year": _field("Year"),
}

# Stored values that stand for something with a name: field name → {value: label}.
VALUE_LABELS: dict[str, dict] = {}


def register_action_labels(labels: dict) -> None:
    """Add titles for action codes (from a higher app's ``AppConfig.ready()``)."""
    ACTION_LABELS.update(labels)


def register_field_labels(labels: dict) -> None:
    """Add labels for field names used in entries' before/after/data."""
    FIELD_LABELS.update(labels)


def register_value_labels(field: str, choices) -> None:
    """Add the labels of a field's stored values (``TextChoices.choices`` or a dict), used
    where the entry's object has no such field with choices of its own."""
    VALUE_LABELS.setdefault(field, {}).update(dict(choices))


def action_label(code: str) -> str:
    """The human title of ``code``, or the code itself when it has none."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def has_action_label(code: str) -> bool:
    return code in ACTION_LABELS
