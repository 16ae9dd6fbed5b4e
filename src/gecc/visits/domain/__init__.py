"""Site-visit itineraries: planning, hand adjustments, confirmation, calendars, documents."""

from .adjustments import fix_visit, set_day_hotel, set_unit_window, set_visit_duration, unfix_visit
from .calendar import BadFeedToken, feed_token, feed_url, member_feed, user_for_token, visit_ics
from .itineraries import (
    confirm_itinerary,
    confirm_problems,
    dropped_visits,
    plan_itinerary,
    plan_problems,
    set_itinerary_parameters,
)

__all__ = ["BadFeedToken", "confirm_itinerary", "confirm_problems", "dropped_visits",
           "feed_token", "feed_url", "fix_visit", "member_feed", "plan_itinerary",
           "plan_problems", "set_day_hotel", "set_itinerary_parameters", "set_unit_window",
           "set_visit_duration", "unfix_visit", "user_for_token", "visit_ics"]
