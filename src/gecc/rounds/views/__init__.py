from .rounds import (
    RoundCreateView,
    RoundDatesUpdateView,
    RoundDetailView,
    RoundListView,
    RoundPhaseActionView,
)

__all__ = ["RoundCreateView", "RoundDatesUpdateView", "RoundDetailView", "RoundListView",
           "RoundPhaseActionView"]
