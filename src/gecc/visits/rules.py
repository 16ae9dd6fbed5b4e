"""Who may see and change itineraries and visits (django-rules).

The secretariat manages every itinerary. A sub-committee member reads the confirmed
itinerary of their own team; a unit coordinator sees only the confirmed visit of their unit.
Lists start from ``Itinerary.objects.visible_to(user)`` / ``Visit.objects.visible_to(user)``
(the same rules as querysets), so an object outside them is a 404.
"""

import rules

from gecc.accounts.rules import is_assessor, is_coordinator, is_secretariat
from gecc.visits.enums import ItineraryState


def _itinerary_of(obj):
    return getattr(obj, "itinerary", obj)


@rules.predicate
def is_confirmed(user, obj):
    return obj is not None and _itinerary_of(obj).state == ItineraryState.CONFIRMED


@rules.predicate
def is_team_member(user, obj):
    """The user sits on the sub-committee of the itinerary (or of the visit)."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    return _itinerary_of(obj).subcommittee.members.filter(user=user).exists()


@rules.predicate
def is_visit_coordinator(user, obj):
    """The user coordinates the unit the visit is at."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    return obj.application.unit.coordinators.filter(pk=user.pk).exists()


team_member = is_assessor & is_team_member & is_confirmed

rules.add_perm("visits.manage_itinerary", is_secretariat)
rules.add_perm("visits.view_itinerary", is_secretariat | team_member)
rules.add_perm("visits.view_visit",
               is_secretariat | team_member | (is_coordinator & is_visit_coordinator
                                               & is_confirmed))
rules.add_perm("visits.view_own_schedule", is_assessor)
