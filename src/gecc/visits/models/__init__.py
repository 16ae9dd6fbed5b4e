from .itinerary import Itinerary, ItineraryDay, Visit

__all__ = ["Itinerary", "ItineraryDay", "Visit"]
