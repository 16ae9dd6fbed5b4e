from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundPhase(models.TextChoices):
    """The phases of a yearly round, in order (``PHASE_ORDER``)."""

    DRAFT = "draft", _("Draft")
    APPLICATIONS = "applications", _("Applications open")
    DESK_REVIEW = "desk_review", _("Desk review")
    SITE_VISITS = "site_visits", _("Site visits")
    DECISION = "decision", _("Decision")
    ANNOUNCED = "announced", _("Results announced")
    CLOSED = "closed", _("Closed")


PHASE_ORDER = (
    RoundPhase.DRAFT,
    RoundPhase.APPLICATIONS,
    RoundPhase.DESK_REVIEW,
    RoundPhase.SITE_VISITS,
    RoundPhase.DECISION,
    RoundPhase.ANNOUNCED,
    RoundPhase.CLOSED,
)

# The phases in which the secretariat screens applications (return, accept, reject): as they
# arrive while applications are open, then in the desk-review phase. From the site visits on,
# the desk review is over.
DESK_REVIEW_PHASES = (RoundPhase.APPLICATIONS, RoundPhase.DESK_REVIEW)

# The dated fields of a round, in the order the dates must follow.
DATE_FIELDS = (
    "applications_open_at",
    "applications_close_at",
    "desk_review_end_at",
    "site_visits_start_at",
    "site_visits_end_at",
    "decision_at",
    "announcement_at",
)

# The date fields that belong to each phase: once the round has left a phase, these dates
# are history and cannot change (moving them could re-open the phase).
PHASE_DATE_FIELDS = {
    RoundPhase.APPLICATIONS: ("applications_open_at", "applications_close_at"),
    RoundPhase.DESK_REVIEW: ("desk_review_end_at",),
    RoundPhase.SITE_VISITS: ("site_visits_start_at", "site_visits_end_at"),
    RoundPhase.DECISION: ("decision_at",),
    RoundPhase.ANNOUNCED: ("announcement_at",),
}


def phase_index(phase) -> int:
    return PHASE_ORDER.index(phase)


# The desk-review screening checklist a new round starts with: code, Thai label, English label.
DEFAULT_SCREENING_CHECKLIST = [
    ("documents_complete", "เอกสารประกอบการสมัครครบถ้วน",
     "The application documents are complete"),
    ("unit_type_matches", "ประเภทหน่วยบริการตรงกับเกณฑ์ที่สมัคร",
     "The unit type matches the criteria applied for"),
    ("self_assessment_complete", "ประเมินตนเองครบทุกข้อที่บังคับ",
     "Every mandatory item of the self-assessment is answered"),
    ("evidence_readable", "หลักฐานเปิดอ่านได้และตรงกับข้อที่อ้างถึง",
     "The evidence opens and matches the items it is attached to"),
    ("contact_valid", "ข้อมูลผู้ประสานงานถูกต้องและติดต่อได้",
     "The coordinator's contact details are correct and reachable"),
]


def default_screening_checklist():
    """The desk-review screening checklist a new round starts with (editable per round):
    ``{code, label (Thai), label_en}`` per item."""
    return [{"code": code, "label": label_th, "label_en": label_en}
            for code, label_th, label_en in DEFAULT_SCREENING_CHECKLIST]


def screening_item_label(entry, language=None) -> str:
    """A checklist item's label in the interface language: the Thai ``label``, or in English
    its ``label_en`` (for a default item of a round saved before items carried one, the
    default English label), falling back to the Thai one."""
    from django.utils.translation import get_language

    if not (language or get_language() or "").startswith("en"):
        return entry.get("label") or entry.get("code", "")
    if entry.get("label_en"):
        return entry["label_en"]
    for code, label_th, label_en in DEFAULT_SCREENING_CHECKLIST:
        if entry.get("code") == code and entry.get("label") in (None, "", label_th):
            return label_en
    return entry.get("label") or entry.get("code", "")


def localized_screening_checklist(checklist, language=None) -> list[dict]:
    """The checklist's items with ``label`` in the interface language (for display)."""
    return [{**entry, "label": screening_item_label(entry, language)}
            for entry in checklist or []]
