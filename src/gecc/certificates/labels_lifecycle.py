"""Audit titles, field labels and outbox event labels of a certificate's lifecycle
(suspension, reinstatement, withdrawal, expiry, renewal reminders), merged by
``gecc.certificates.labels``."""

from django.utils.translation import gettext_lazy as _

from gecc.certificates.labels import _action, _field

ACTION_LABELS = {
    "certificate.suspended": _action("Certificate suspended"),
    "certificate.reinstated": _action("Certificate reinstated"),
    "certificate.withdrawn": _action("Certificate withdrawn"),
    "certificate.expired": _action("Certificate expired"),
    "certificate.reminder_sent": _action("Renewal reminder sent"),
}

FIELD_LABELS = {
    "state_reason": _field("Reason for the status"),
    "days_before": _field("Days before the end of validity"),
    "days_left": _field("Days left"),
    "skipped": _field("Earlier reminders not sent"),
}

EVENT_LABELS = {
    "certificate.suspended": _("Certificate suspended: sent to the unit"),
    "certificate.reinstated": _("Certificate reinstated: sent to the unit"),
    "certificate.withdrawn": _("Certificate withdrawn: sent to the unit"),
    "certificate.expired": _("Certificate expired: sent to the unit"),
    "certificate.renewal_reminder": _("Renewal reminder sent to the unit"),
}

# Celery's autodiscovery imports only ``tasks.py``: register the daily task here, since
# this module is loaded at start-up (``checks.py``) in the web and worker processes alike.
from gecc.certificates import tasks_lifecycle  # noqa: E402,F401
