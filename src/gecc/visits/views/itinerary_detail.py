"""One sub-committee's itinerary: its days (table and route drawing), the visits not placed,
and the secretariat's actions (plan again, travel settings, confirm, PDF)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from gecc.committees.models import Membership, SubCommittee
from gecc.visits.domain import (
    confirm_itinerary,
    confirm_problems,
    dropped_visits,
    plan_itinerary,
    set_itinerary_parameters,
)
from gecc.visits.domain.documents import itinerary_filename, itinerary_pdf
from gecc.visits.domain.schedule import base_label, itinerary_schedule
from gecc.visits.enums import ItineraryState
from gecc.visits.interfaces.forms import HotelForm, ParametersForm
from gecc.visits.interfaces.route_map import route_drawing
from gecc.visits.models import Itinerary
from gecc.visits.views.base import ManageMixin, StaffMixin, get_itinerary


def schedule_with_routes(itinerary):
    team = itinerary.subcommittee
    label = base_label(team)
    schedule = itinerary_schedule(itinerary, label)
    base = team.base_point()
    for day in schedule:
        day.route = route_drawing(day, base, label)
    return schedule


def hotel_form(day, data=None):
    return HotelForm(data, prefix=f"hotel-{day.pk}", initial={
        "label": day.hotel_label, "latitude": day.hotel_latitude,
        "longitude": day.hotel_longitude})


def detail_context(request, itinerary, *, hotel_forms=None, parameters_form=None):
    team = itinerary.subcommittee
    can_manage = request.user.has_perm("visits.manage_itinerary")
    schedule = schedule_with_routes(itinerary)
    if can_manage:
        for day in schedule:
            day.hotel_form = (hotel_forms or {}).get(day.day.pk) or hotel_form(day.day)
    members = list(Membership.objects.filter(subcommittee=team).select_related("user"))
    return {
        "itinerary": itinerary, "team": team, "round": team.round, "members": members,
        "days": schedule, "dropped": dropped_visits(itinerary), "can_manage": can_manage,
        "is_confirmed": itinerary.state == ItineraryState.CONFIRMED,
        "placed_count": sum(len(day.visits) for day in schedule),
        "parameters_form": parameters_form or ParametersForm(initial={
            "road_factor": itinerary.road_factor, "speed_kmh": itinerary.speed_kmh,
            "lunch_minutes": itinerary.lunch_minutes}),
        "confirm_problems": confirm_problems(itinerary)
        if can_manage and itinerary.state != ItineraryState.CONFIRMED else [],
    }


class ItineraryDetailView(StaffMixin, View):
    template_name = "visits/itinerary/detail.html"

    def get(self, request, pk):
        itinerary = get_itinerary(request.user, pk)
        return render(request, self.template_name, detail_context(request, itinerary))


def _report(request, itinerary):
    placed = itinerary.visits.filter(day__isnull=False).count()
    dropped = len(itinerary.dropped or {})
    if dropped:
        messages.warning(request, _("Planned: %(placed)d visits placed, %(dropped)d could not "
                                    "be placed (see the reasons below).")
                         % {"placed": placed, "dropped": dropped})
    else:
        messages.success(request, _("Planned: %(placed)d visits placed, %(minutes)d minutes "
                                    "of driving in all.")
                         % {"placed": placed, "minutes": itinerary.total_travel_minutes})


class ItineraryPlanView(ManageMixin, View):
    """Plan (or re-optimise) one team's itinerary, keeping the stops fixed by hand."""

    def post(self, request, team_pk):
        team = get_object_or_404(SubCommittee.objects.select_related("round"), pk=team_pk)
        try:
            itinerary = plan_itinerary(team, request.user, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            existing = Itinerary.objects.filter(subcommittee=team).first()
            if existing is not None:
                return redirect(existing.get_absolute_url())
            return redirect(f"{reverse('visits:itinerary.list')}?round={team.round.year}")
        _report(request, itinerary)
        return redirect(itinerary.get_absolute_url())


class ItineraryParametersView(ManageMixin, View):
    def post(self, request, pk):
        itinerary = get_itinerary(request.user, pk)
        form = ParametersForm(request.POST)
        if form.is_valid():
            try:
                set_itinerary_parameters(itinerary, request.user, request=request,
                                         **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                itinerary.refresh_from_db()
                _report(request, itinerary)
                return redirect(itinerary.get_absolute_url())
        return render(request, ItineraryDetailView.template_name,
                      detail_context(request, itinerary, parameters_form=form), status=400)


class ItineraryConfirmView(ManageMixin, View):
    """GET: what confirming does and who is told (or why it cannot be done); POST: confirm."""

    template_name = "visits/itinerary/confirm.html"

    def context(self, itinerary, problems):
        visits = list(itinerary.visits.filter(day__isnull=False)
                      .select_related("day", "application__unit")
                      .order_by("day__date", "order"))
        members = list(Membership.objects.filter(subcommittee=itinerary.subcommittee)
                       .select_related("user"))
        return {"itinerary": itinerary, "team": itinerary.subcommittee, "visits": visits,
                "members": members, "problems": problems}

    def get(self, request, pk):
        itinerary = get_itinerary(request.user, pk)
        return render(request, self.template_name,
                      self.context(itinerary, confirm_problems(itinerary)))

    def post(self, request, pk):
        itinerary = get_itinerary(request.user, pk)
        try:
            confirm_itinerary(itinerary, request.user, request=request)
        except ValidationError as exc:
            return render(request, self.template_name, self.context(itinerary, exc.messages),
                          status=400)
        messages.success(request, _("The itinerary is confirmed. The units and the members "
                                    "are being told by e-mail."))
        return redirect(itinerary.get_absolute_url())


class ItineraryPdfView(StaffMixin, View):
    """The printable itinerary (Thai, A4) for the secretariat and the team's members."""

    def get(self, request, pk):
        from gecc.common.documents import DocumentRenderError, pdf_response

        itinerary = get_itinerary(request.user, pk)
        try:
            pdf = itinerary_pdf(itinerary, request=request)
        except DocumentRenderError:
            messages.error(request, _("The PDF could not be made just now. Try again in a "
                                      "moment; if it keeps failing, tell the system "
                                      "administrator."))
            return redirect(itinerary.get_absolute_url())
        return pdf_response(pdf, itinerary_filename(itinerary))
