from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _action(text):
    return pgettext_lazy("audit action", text)


def _field(text):
    return pgettext_lazy("audit field", text)


ACTION_LABELS = {
    "itinerary.planned": _action("Itinerary planned"),
    "itinerary.confirmed": _action("Itinerary confirmed"),
    "itinerary.parameters_changed": _action("Itinerary travel settings changed"),
    "itinerary.hotel_set": _action("Hotel for a night set"),
    "visit.fixed": _action("Visit fixed to a day and stop"),
    "visit.unfixed": _action("Visit released for re-optimisation"),
    "visit.duration_changed": _action("Visit duration changed"),
    "visit.scheduled": _action("Visit date sent to the unit"),
    "visit.changed": _action("Visit change sent"),
    "unit.visit_window_changed": _action("Unit's visiting hours changed"),
}

FIELD_LABELS = {
    "day": _field("Day"),
    "date": _field("Date"),
    "start": _field("Starts"),
    "end": _field("Ends"),
    "team": _field("Sub-committee"),
    "order": _field("Stop number"),
    "fixed": _field("Fixed by hand"),
    "hotel": _field("Hotel"),
    "placed": _field("Visits placed"),
    "dropped": _field("Visits not placed"),
    "not_placed": _field("Not placed, with reasons"),
    "days": _field("Visit days"),
    "visits_changed": _field("Visits whose schedule changed"),
    "visits_announced": _field("Visits announced"),
    "unit_messages": _field("Messages to units"),
    "member_messages": _field("Messages to members"),
    "taken_over": _field("Visits taken over from another team"),
    "removed": _field("Visits removed"),
    "solve_seconds": _field("Solver time (seconds)"),
    "total_travel_minutes": _field("Total travel (minutes)"),
    "duration_minutes": _field("Visit duration (minutes)"),
    "visit_window_start": _field("Visits from"),
    "visit_window_end": _field("Visits until"),
    "road_factor": _field("Road factor"),
    "speed_kmh": _field("Average speed (km/h)"),
    "lunch_minutes": _field("Lunch break (minutes)"),
}

EVENT_LABELS = {
    "visit.scheduled": _("Site visit date sent to the unit"),
    "visit.changed": _("Site visit changed"),
    "itinerary.confirmed": _("Itinerary sent to the members"),
}


class VisitsConfig(AppConfig):
    name = "gecc.visits"
    verbose_name = _("Site visits")

    def ready(self):
        from gecc.audit.labels import register_action_labels, register_field_labels
        from gecc.notifications.enums import EVENT_LABELS as OUTBOX_EVENT_LABELS

        register_action_labels(ACTION_LABELS)
        register_field_labels(FIELD_LABELS)
        # The outbox shows an event by its label (an event without one shows its code).
        OUTBOX_EVENT_LABELS.update(EVENT_LABELS)
