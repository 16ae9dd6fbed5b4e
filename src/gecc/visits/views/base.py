"""Access rules and lookups shared by the itinerary screens."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.accounts.rules import is_staff_member
from gecc.visits.models import Itinerary, ItineraryDay, Visit


class StaffMixin(AllowedUserRequiredMixin):
    """Signed-in staff (anonymous → sign-in page, a coordinator → 403); rows are then
    limited by ``visible_to`` (another team's itinerary → 404)."""

    def allowed(self, user):
        return is_staff_member(user)


class ManageMixin(AllowedUserRequiredMixin):
    """The secretariat, who plans and changes itineraries."""

    def allowed(self, user):
        return user.has_perm("visits.manage_itinerary")


def get_itinerary(user, pk):
    """The itinerary, or 404 when it does not exist or the user may not see it."""
    itinerary = get_object_or_404(
        Itinerary.objects.visible_to(user).select_related(
            "subcommittee", "subcommittee__round", "subcommittee__base_province",
            "confirmed_by"), pk=pk)
    if not user.has_perm("visits.view_itinerary", itinerary):
        raise PermissionDenied
    return itinerary


def get_visit(user, pk):
    return get_object_or_404(
        Visit.objects.visible_to(user).select_related(
            "itinerary", "itinerary__subcommittee", "itinerary__subcommittee__round",
            "day", "application", "application__unit"), pk=pk)


def get_day(user, pk):
    return get_object_or_404(
        ItineraryDay.objects.select_related("itinerary", "itinerary__subcommittee")
        .filter(itinerary__in=Itinerary.objects.visible_to(user)), pk=pk)


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"
