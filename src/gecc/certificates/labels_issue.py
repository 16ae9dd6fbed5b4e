"""Audit titles, field labels and outbox event labels of issuing certificates and their
bulk generation (merged by ``gecc.certificates.labels``)."""

from django.utils.translation import gettext_lazy as _

from gecc.certificates.labels import _action, _field

ACTION_LABELS = {
    "certificate.issued": _action("Certificate issued"),
    "certificate.level_changed": _action("Certificate level changed"),
    "certificate.batch_started": _action("Bulk generation of certificates started"),
    "certificate.exported": _action("Certificate list exported"),
    "certificate.batch_downloaded": _action("Certificates downloaded as a ZIP file"),
}

FIELD_LABELS = {
    "number": _field("Certificate number"),
    "level": _field("Level"),
    "level_name_th": _field("Level (Thai)"),
    "valid_from": _field("Valid from"),
    "valid_until": _field("Valid until"),
}

EVENT_LABELS = {
    "certificate.issued": _("Certificate issued to the unit"),
    "certificate.level_changed": _("Certificate level changed"),
}
