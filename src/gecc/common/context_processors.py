"""Role-aware navigation for the base layout."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role

# (label, url name, roles that see it; None = every signed-in user)
STAFF = {Role.SECRETARIAT, Role.ASSESSOR, Role.STEERING}

NAVIGATION = (
    (_("Secretariat"), "backoffice:home.secretariat", {Role.SECRETARIAT}),
    (_("Assessment"), "backoffice:home.assessor", {Role.ASSESSOR}),
    (_("Steering committee"), "backoffice:home.steering", {Role.STEERING}),
    (_("My service units"), "portal:home", {Role.COORDINATOR}),
    (_("Rounds"), "rounds:round.list", {Role.SECRETARIAT, Role.STEERING}),
    (_("Desk review"), "applications:review.list", STAFF),
    (_("Sub-committees"), "committees:subcommittee.index", {Role.SECRETARIAT}),
    (_("Visit itineraries"), "visits:itinerary.list", {Role.SECRETARIAT}),
    (_("My visit schedule"), "visits:schedule.mine", {Role.ASSESSOR}),
    (_("Field scoring"), "field:app", {Role.ASSESSOR}),
    (_("My conflicts of interest"), "committees:conflict.mine", {Role.ASSESSOR}),
    (_("Certificates"), "certificates:certificate.list", {Role.SECRETARIAT, Role.STEERING}),
    (_("Appeals"), "decisions:appeal.list", {Role.SECRETARIAT, Role.STEERING}),
    (_("Complaints from the public"), "decisions:complaint.list", {Role.SECRETARIAT}),
    (_("My certificates"), "portal:certificate.list", {Role.COORDINATOR}),
    (_("Registry"), "registry:unit.list", STAFF),
    (_("Criteria"), "criteria:version.list", STAFF),
    (_("Audit log"), "audit:entry.list", {Role.SECRETARIAT}),
    (_("Outbox"), "notifications:message.list", {Role.SECRETARIAT}),
)


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        roles = user.roles
        current = request.path
        for label, url_name, allowed in NAVIGATION:
            if allowed is None or roles & allowed or user.is_superuser:
                try:
                    url = reverse(url_name)
                except NoReverseMatch:  # a screen that is not built yet
                    continue
                items.append({"label": label, "url": url,
                              "active": current == url or (url != "/" and current.startswith(url)
                                                           and url.count("/") > 2)})
    return {"nav_items": items}
