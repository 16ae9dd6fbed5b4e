"""The secretariat's hand adjustments: a stop's day and order, its duration, the unit's
visiting hours (on the visit's page) and a hotel for a night (on the itinerary page). Each
plans the itinerary again; a refusal keeps the form with the reason and changes nothing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from gecc.visits.domain import (
    fix_visit,
    set_day_hotel,
    set_unit_window,
    set_visit_duration,
    unfix_visit,
)
from gecc.visits.domain.places import unit_address
from gecc.visits.interfaces.forms import (
    DurationForm,
    FixVisitForm,
    UnitWindowForm,
    numbered_days,
)
from gecc.visits.views.base import ManageMixin, get_day, get_itinerary, get_visit
from gecc.visits.views.itinerary_detail import ItineraryDetailView, detail_context, hotel_form


def _add_errors(form, exc, default_field=None):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else default_field, error)
    else:
        for error in exc.messages:
            form.add_error(default_field, error)


class VisitEditView(ManageMixin, View):
    """A visit's page for the secretariat: its place in the itinerary and three forms."""

    template_name = "visits/visit/edit.html"

    def forms(self, visit, days, *, fix=None, duration=None, window=None):
        unit = visit.application.unit
        return {
            "fix_form": fix or FixVisitForm(days=days, initial={
                "day": visit.day_id, "order": visit.order}),
            "duration_form": duration or DurationForm(initial={
                "minutes": visit.duration_minutes}),
            "window_form": window or UnitWindowForm(initial={
                "start": unit.visit_window_start, "end": unit.visit_window_end}),
        }

    def render_page(self, request, visit, days, status=200, **forms):
        context = {"visit": visit, "itinerary": visit.itinerary,
                   "team": visit.itinerary.subcommittee, "unit": visit.application.unit,
                   "address": unit_address(visit.application.unit),
                   **self.forms(visit, days, **forms)}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        visit = get_visit(request.user, pk)
        return self.render_page(request, visit, numbered_days(visit.itinerary))


def _done(request, visit, text):
    messages.success(request, text)
    return redirect(f"{visit.itinerary.get_absolute_url()}#visit-{visit.pk}")


class VisitFixView(VisitEditView):
    def post(self, request, pk):
        visit = get_visit(request.user, pk)
        days = numbered_days(visit.itinerary)
        form = FixVisitForm(request.POST, days=days)
        if form.is_valid():
            try:
                fix_visit(visit, form.chosen_day(), form.cleaned_data["order"], request.user,
                          request=request)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return _done(request, visit, _("The visit is fixed to that day and stop; the "
                                               "rest was re-optimised."))
        return self.render_page(request, visit, days, status=400, fix=form)


class VisitUnfixView(ManageMixin, View):
    def post(self, request, pk):
        visit = get_visit(request.user, pk)
        try:
            unfix_visit(visit, request.user, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(visit.itinerary.get_absolute_url())
        return _done(request, visit, _("The visit is no longer fixed; the itinerary was "
                                       "re-optimised."))


class VisitDurationView(VisitEditView):
    def post(self, request, pk):
        visit = get_visit(request.user, pk)
        form = DurationForm(request.POST)
        if form.is_valid():
            try:
                set_visit_duration(visit, form.cleaned_data["minutes"], request.user,
                                   request=request)
            except ValidationError as exc:
                _add_errors(form, exc, "minutes")
            else:
                return _done(request, visit, _("The visit's duration was changed; the "
                                               "itinerary was re-optimised."))
        return self.render_page(request, visit, numbered_days(visit.itinerary), status=400,
                                duration=form)


class UnitWindowView(VisitEditView):
    def post(self, request, pk):
        visit = get_visit(request.user, pk)
        form = UnitWindowForm(request.POST)
        if form.is_valid():
            try:
                set_unit_window(visit.application.unit, form.cleaned_data["start"],
                                form.cleaned_data["end"], request.user,
                                itinerary=visit.itinerary, request=request)
            except ValidationError as exc:
                _add_errors(form, exc, "start")
            else:
                return _done(request, visit, _("The unit's visiting hours were changed; the "
                                               "itinerary was re-optimised."))
        return self.render_page(request, visit, numbered_days(visit.itinerary), status=400,
                                window=form)


class DayHotelView(ManageMixin, View):
    """The hotel for the night after a day (or none: back to the base)."""

    def post(self, request, pk):
        day = get_day(request.user, pk)
        form = hotel_form(day, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_day_hotel(day, data["label"], data["latitude"], data["longitude"],
                              request.user, request=request)
            except ValidationError as exc:
                _add_errors(form, exc, "label")
            else:
                messages.success(request, _("The hotel was saved; the itinerary was "
                                            "re-optimised."))
                return redirect(f"{day.itinerary.get_absolute_url()}#day-{day.pk}")
        itinerary = get_itinerary(request.user, day.itinerary_id)
        return render(request, ItineraryDetailView.template_name,
                      detail_context(request, itinerary, hotel_forms={day.pk: form}),
                      status=400)
