from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from gecc.backoffice.views import home_redirect


class FaviconView(RedirectView):
    """``/favicon.ico``, asked for by browsers and feed readers whatever the page links."""

    permanent = False  # the target may change name (hashed static files)

    def get_redirect_url(self, *args, **kwargs):
        return static("gecc/favicon.ico")


urlpatterns = [
    path("", include("gecc.public.urls")),
    path("home/", home_redirect, name="home"),
    path("accounts/", include("gecc.accounts.urls")),
    path("staff/audit/", include("gecc.audit.urls")),
    path("registry/", include("gecc.registry.urls")),
    path("staff/criteria/", include("gecc.criteria.urls")),
    path("rounds/", include("gecc.rounds.urls")),
    path("applications/", include("gecc.applications.urls")),
    path("evidence/", include("gecc.evidence.urls")),
    path("staff/committees/", include("gecc.committees.urls")),
    path("staff/visits/", include("gecc.visits.urls")),
    path("staff/scoring/", include("gecc.scoring.urls")),
    path("field/", include("gecc.scoring.urls_field")),
    path("staff/decisions/", include("gecc.decisions.urls")),
    path("staff/certificates/", include("gecc.certificates.urls")),
    path("staff/outbox/", include("gecc.notifications.urls")),
    path("staff/", include("gecc.backoffice.urls")),
    path("portal/", include("gecc.portal.urls")),
    path("api/", include("gecc.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("favicon.ico", FaviconView.as_view()),
]

# Error pages in the site's layout, rendered with the request (gecc.common.views).
handler400 = "gecc.common.views.bad_request"
handler403 = "gecc.common.views.permission_denied"
handler404 = "gecc.common.views.page_not_found"
handler500 = "gecc.common.views.server_error"

if settings.DEBUG:  # pragma: no cover
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
