"""Audit titles, field labels and outbox event labels of complaints (merged by
``gecc.decisions.labels``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _action(text):
    return pgettext_lazy("audit action", text)


ACTION_LABELS = {
    "complaint.filed": _action("Complaint received from the public"),
    "complaint.under_review": _action("Complaint taken under review"),
    "complaint.closed": _action("Complaint closed without action"),
    "complaint.actioned": _action("Action taken on the complaint"),
}

# Field labels are shared by every app's audit entries: "note" stays unlabelled here, since
# other apps' notes are not the secretariat's.
FIELD_LABELS = {}

EVENT_LABELS = {
    "decisions.complaint_filed": _("New complaint from the public (to the secretariat)"),
}
