"""The unit coordinator's visit card on the portal's application page:
``{% include "visits/includes/portal_visit.html" %}`` (the include loads this tag)."""

from django import template

from gecc.committees.models import Membership
from gecc.visits.domain.places import member_label
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Visit

register = template.Library()


@register.inclusion_tag("visits/includes/portal_visit_card.html", takes_context=True)
def portal_visit(context, application):
    """The confirmed visit of ``application`` as its coordinator may see it (nothing before
    the itinerary is confirmed, nor for anyone the visit's rules do not show it to)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    visit = None
    if application is not None and user is not None:
        visit = (Visit.objects.visible_to(user)
                 .filter(application_id=application.pk, day__isnull=False,
                         itinerary__state=ItineraryState.CONFIRMED)
                 .select_related("day", "itinerary__subcommittee").first())
    members = []
    if visit is not None:
        members = [member_label(m) for m in
                   Membership.objects.filter(subcommittee_id=visit.itinerary.subcommittee_id)
                   .select_related("user")]
    return {"visit": visit, "members": members}
