"""Views of the unit portal, one module per screen group."""

from .applications import (
    ApplicationCreateView,
    ApplicationDetailView,
    ApplicationReceiptView,
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
from .renewal import ApplicationConfirmAllView

__all__ = [
    "AnswerConfirmView", "AnswerDetailView", "AnswerSaveView", "ApplicationAssessmentView",
    "ApplicationConfirmAllView", "ApplicationCreateView", "ApplicationDetailView", "ApplicationReceiptView",
    "ApplicationSubmitView",
    "ApplicationWithdrawView", "PortalHomeView",
]
