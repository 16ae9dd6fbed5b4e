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


def default_screening_checklist():
    """The desk-review screening checklist a new round starts with (editable per round)."""
    return [
        {"code": "documents_complete", "label": "เอกสารประกอบการสมัครครบถ้วน"},
        {"code": "unit_type_matches", "label": "ประเภทหน่วยบริการตรงกับเกณฑ์ที่สมัคร"},
        {"code": "self_assessment_complete", "label": "ประเมินตนเองครบทุกข้อที่บังคับ"},
        {"code": "evidence_readable", "label": "หลักฐานเปิดอ่านได้และตรงกับข้อที่อ้างถึง"},
        {"code": "contact_valid", "label": "ข้อมูลผู้ประสานงานถูกต้องและติดต่อได้"},
    ]
