"""The secretariat's hand adjustments to an itinerary, each followed by a new plan.

Fixing a stop to a day and position, letting it go again, a visit's duration, a hotel for a
night and a unit's visiting hours are each one transition (guard → save → audit), after
which the itinerary is planned again (``plan_itinerary``, keeping every fixed stop) in the
same transaction, so the times shown always follow from what was entered and the people
whose visit changed on a confirmed itinerary are told. A visit's ``updated_at`` is left to
the planner, which moves it only when the schedule changes (the calendar SEQUENCE). A stop fixed where the plan cannot
keep it is refused with the solver's reason and nothing is saved.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action
from gecc.registry.domain.validation import validate_coordinates
from gecc.visits.models import Itinerary, ItineraryDay, Visit

from .itineraries import plan_itinerary

MIN_DURATION, MAX_DURATION = 15, 8 * 60


def _locked_visit(visit):
    return (Visit.objects.select_for_update(of=("self",))
            .select_related("itinerary", "itinerary__subcommittee", "day", "application__unit")
            .get(pk=visit.pk))


def _replan(itinerary, actor, request):
    return plan_itinerary(itinerary.subcommittee, actor, request=request)


def _slot(visit):
    return {"day": visit.day.date.isoformat() if visit.day_id else None, "order": visit.order,
            "fixed": visit.fixed}


@transaction.atomic
def fix_visit(visit, day, order, actor, *, request=None) -> Visit:
    """Keep the visit on ``day`` (an ``ItineraryDay`` of its itinerary) as its ``order``-th
    stop when the rest is re-optimised."""
    current = _locked_visit(visit)
    if day is None or day.itinerary_id != current.itinerary_id:
        raise ValidationError({"day": _("Choose one of this itinerary's visit days.")})
    limit = current.itinerary.subcommittee.visits_per_day or 99
    try:
        order = int(order)
    except (TypeError, ValueError):
        order = 0
    if not 1 <= order <= limit:
        raise ValidationError({"order": _("The stop number on the day must be between 1 and "
                                          "%(limit)d.") % {"limit": limit}})
    taken = Visit.objects.filter(itinerary_id=current.itinerary_id, day=day, order=order,
                                 fixed=True).exclude(pk=current.pk) \
        .select_related("application__unit").first()
    if taken is not None:
        raise ValidationError({"order": _("%(unit)s is already fixed as stop %(order)d of "
                                          "that day.") % {"unit": taken.application.unit.name_th,
                                                          "order": order}})
    before = _slot(current)
    current.day, current.order, current.fixed = day, order, True
    current.save(update_fields=["day", "order", "fixed"])
    log_action("visit.fixed", actor=actor, obj=current, request=request, before=before,
               after=_slot(current), data={"unit": current.application.unit.code})
    _replan(current.itinerary, actor, request)
    current.refresh_from_db()
    if not current.is_placed:
        raise ValidationError(
            _("The visit cannot be fixed there: %(reason)s") % {"reason": current.dropped_reason},
            code="cannot_fix")
    visit.refresh_from_db()
    return visit


@transaction.atomic
def unfix_visit(visit, actor, *, request=None) -> Visit:
    """Let the solver place the visit freely again."""
    current = _locked_visit(visit)
    if not current.fixed:
        return visit
    before = _slot(current)
    current.fixed = False
    current.save(update_fields=["fixed"])
    log_action("visit.unfixed", actor=actor, obj=current, request=request, before=before,
               after=_slot(current), data={"unit": current.application.unit.code})
    _replan(current.itinerary, actor, request)
    visit.refresh_from_db()
    return visit


@transaction.atomic
def set_visit_duration(visit, minutes, actor, *, request=None) -> Visit:
    """How long the team stays at the unit (minutes)."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise ValidationError({"minutes": _("A visit lasts between %(low)d and %(high)d "
                                            "minutes.") % {"low": MIN_DURATION,
                                                           "high": MAX_DURATION}})
    current = _locked_visit(visit)
    if current.duration_minutes == minutes:
        return visit
    before = {"duration_minutes": current.duration_minutes}
    current.duration_minutes = minutes
    current.save(update_fields=["duration_minutes"])
    log_action("visit.duration_changed", actor=actor, obj=current, request=request,
               before=before, after={"duration_minutes": minutes},
               data={"unit": current.application.unit.code})
    _replan(current.itinerary, actor, request)
    visit.refresh_from_db()
    return visit


def _hotel_data(day):
    if not day.hotel_label and day.hotel_latitude is None:
        return None
    return {"label": day.hotel_label,
            "latitude": float(day.hotel_latitude) if day.hotel_latitude is not None else None,
            "longitude": float(day.hotel_longitude) if day.hotel_longitude is not None
            else None}


@transaction.atomic
def set_day_hotel(day, label, latitude, longitude, actor, *, request=None) -> ItineraryDay:
    """Where the team sleeps after ``day``: that day ends there and the next starts there.
    An empty label and no coordinates clear it (the team goes back to its base)."""
    label = (label or "").strip()
    clearing = not label and latitude in (None, "") and longitude in (None, "")
    if not clearing:
        errors = {}
        if not label:
            errors["label"] = _("Give the hotel's name.")
        if latitude in (None, "") or longitude in (None, ""):
            errors["latitude"] = _("Give the hotel's latitude and longitude.")
        else:
            try:
                latitude, longitude = float(latitude), float(longitude)
                validate_coordinates(latitude, longitude)
            except (TypeError, ValueError):
                errors["latitude"] = _("Give the latitude and longitude as numbers, e.g. "
                                       "18.5745 and 99.0087.")
            except ValidationError as exc:
                errors["latitude"] = exc.messages
        if errors:
            raise ValidationError(errors)
    current = ItineraryDay.objects.select_for_update(of=("self",)).select_related(
        "itinerary", "itinerary__subcommittee").get(pk=day.pk)
    before = _hotel_data(current)
    current.hotel_label = label[:255]
    current.hotel_latitude = None if clearing else round(float(latitude), 6)
    current.hotel_longitude = None if clearing else round(float(longitude), 6)
    current.save(update_fields=["hotel_label", "hotel_latitude", "hotel_longitude"])
    log_action("itinerary.hotel_set", actor=actor, obj=current.itinerary, request=request,
               before={"hotel": before}, after={"hotel": _hotel_data(current)},
               data={"date": current.date.isoformat()})
    _replan(current.itinerary, actor, request)
    day.refresh_from_db()
    return day


@transaction.atomic
def set_unit_window(unit, start, end, actor, *, itinerary=None, request=None):
    """When a team may be at the unit (its opening hours for visits). The itineraries with
    a visit of this unit in a round that is not closed are planned again (only
    ``itinerary`` when given)."""
    from gecc.registry.models import ServiceUnit
    from gecc.rounds.enums import RoundPhase

    if not isinstance(start, datetime.time) or not isinstance(end, datetime.time):
        raise ValidationError({"start": _("Give the times as hours and minutes, e.g. 08:30.")})
    if end <= start:
        raise ValidationError({"end": _("The end of the visiting hours must come after their "
                                        "start.")})
    current = ServiceUnit.objects.select_for_update(of=("self",)).get(pk=unit.pk)
    before = {"visit_window_start": current.visit_window_start.strftime("%H:%M"),
              "visit_window_end": current.visit_window_end.strftime("%H:%M")}
    current.visit_window_start, current.visit_window_end = start, end
    current.save(update_fields=["visit_window_start", "visit_window_end", "updated_at"])
    log_action("unit.visit_window_changed", actor=actor, obj=current, request=request,
               before=before, after={"visit_window_start": start.strftime("%H:%M"),
                                     "visit_window_end": end.strftime("%H:%M")})
    if itinerary is not None:
        itineraries = [itinerary]
    else:
        itineraries = list(Itinerary.objects.filter(visits__application__unit=current)
                           .exclude(subcommittee__round__phase=RoundPhase.CLOSED)
                           .select_related("subcommittee").distinct())
    for each in itineraries:
        _replan(each, actor, request)
    unit.visit_window_start, unit.visit_window_end = start, end
    return unit
