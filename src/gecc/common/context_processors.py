"""Role-aware navigation for the base layout."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role

# (label, url name, roles that see it; None = every signed-in user)
NAVIGATION = (
    (_("Secretariat"), "backoffice:home.secretariat", {Role.SECRETARIAT}),
    (_("Assessment"), "backoffice:home.assessor", {Role.ASSESSOR}),
    (_("Steering committee"), "backoffice:home.steering", {Role.STEERING}),
    (_("My service units"), "portal:home", {Role.COORDINATOR}),
    (_("Registry"), "registry:unit.list", {Role.SECRETARIAT, Role.ASSESSOR, Role.STEERING}),
    (_("Criteria"), "criteria:edition.list", {Role.SECRETARIAT, Role.ASSESSOR, Role.STEERING}),
    (_("Audit log"), "audit:entry.list", {Role.SECRETARIAT}),
    (_("Outbox"), "notifications:message.list", {Role.SECRETARIAT}),
    (_("Security"), "accounts:security", None),
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
                except Exception:  # an app that is not installed yet
                    continue
                items.append({"label": label, "url": url,
                              "active": current == url or (url != "/" and current.startswith(url)
                                                           and url.count("/") > 2)})
    return {"nav_items": items}
