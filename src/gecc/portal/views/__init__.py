"""Views of the unit portal, one module per screen group."""

from .applications import (
    ApplicationCreateView,
    ApplicationDetailView,
    ApplicationSubmitView,
    ApplicationWithdrawView,
    PortalHomeView,
)
from .assessment import (
    AnswerConfirmView,
    AnswerDetailView,
    AnswerSaveView,
    ApplicationAssessmentView,
)

__all__ = [
    "AnswerConfirmView", "AnswerDetailView", "AnswerSaveView", "ApplicationAssessmentView",
    "ApplicationCreateView", "ApplicationDetailView", "ApplicationSubmitView",
    "ApplicationWithdrawView", "PortalHomeView",
]
