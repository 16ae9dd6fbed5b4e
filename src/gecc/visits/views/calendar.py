"""Calendars and the member's own schedule.

* ``visits:visit.ics``: one confirmed visit as an ``.ics`` file, for the unit's coordinators,
  the team's members and the secretariat (anyone else: 404).
* ``visits:schedule.feed``: a member's calendar at a secret address, for calendar apps that
  subscribe without signing in (see ``domain/calendar.py`` for the token).
* ``visits:schedule.mine``: the member's confirmed visits by day, with the two links above
  and the team's PDF.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.committees.models import Membership
from gecc.visits.domain import BadFeedToken, feed_url, member_feed, user_for_token, visit_ics
from gecc.visits.domain.calendar import member_visits
from gecc.visits.domain.places import unit_address
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Visit

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def calendar_response(content: bytes, filename: str, *, attachment=True) -> HttpResponse:
    response = HttpResponse(content, content_type=CALENDAR_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


class VisitIcsView(LoginRequiredMixin, View):
    def get(self, request, pk):
        visit = get_object_or_404(
            Visit.objects.visible_to(request.user)
            .filter(day__isnull=False, start_at__isnull=False, end_at__isnull=False)
            .select_related("itinerary", "itinerary__subcommittee", "application__unit"),
            pk=pk)
        if not request.user.has_perm("visits.view_visit", visit):
            raise Http404
        return calendar_response(visit_ics(visit), f"visit-{visit.pk}.ics")


class MemberFeedView(View):
    """No session: the token in the address names the member (404 for a bad one)."""

    def get(self, request, token):
        try:
            user = user_for_token(token)
        except BadFeedToken:
            raise Http404 from None
        return calendar_response(member_feed(user), "gecc-visits.ics", attachment=False)


class MyScheduleView(AllowedUserRequiredMixin, View):
    template_name = "visits/schedule/mine.html"

    def allowed(self, user):
        return user.has_perm("visits.view_own_schedule")

    def get(self, request):
        user = request.user
        visits = list(member_visits(user))
        days = []
        for visit in visits:
            visit.address = unit_address(visit.application.unit)
            if not days or days[-1][0] != visit.day.date:
                days.append((visit.day.date, []))
            days[-1][1].append(visit)
        memberships = list(Membership.objects.filter(user=user)
                           .select_related("subcommittee", "subcommittee__round",
                                           "subcommittee__itinerary")
                           .order_by("-subcommittee__round__year"))
        teams = []
        for membership in memberships:
            itinerary = getattr(membership.subcommittee, "itinerary", None)
            teams.append({"membership": membership, "team": membership.subcommittee,
                          "itinerary": itinerary if itinerary is not None
                          and itinerary.state == ItineraryState.CONFIRMED else None})
        link = request.build_absolute_uri(feed_url(user))
        return render(request, self.template_name, {
            "days": days, "teams": teams, "feed_url": link,
            "webcal_url": "webcal://" + link.split("://", 1)[-1],
        })
