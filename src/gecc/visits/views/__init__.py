from .adjustments import (
    DayHotelView,
    UnitWindowView,
    VisitDurationView,
    VisitEditView,
    VisitFixView,
    VisitUnfixView,
)
from .calendar import MemberFeedView, MyScheduleView, VisitIcsView
from .itinerary_detail import (
    ItineraryConfirmView,
    ItineraryDetailView,
    ItineraryParametersView,
    ItineraryPdfView,
    ItineraryPlanView,
)
from .itinerary_list import ItineraryListView, ItineraryPlanAllView

__all__ = [
    "DayHotelView", "ItineraryConfirmView", "ItineraryDetailView", "ItineraryListView",
    "ItineraryParametersView", "ItineraryPdfView", "ItineraryPlanAllView", "ItineraryPlanView",
    "MemberFeedView", "MyScheduleView", "UnitWindowView", "VisitDurationView", "VisitEditView",
    "VisitFixView", "VisitIcsView", "VisitUnfixView",
]
