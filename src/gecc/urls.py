from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from gecc.backoffice.views import home_redirect

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
    path("staff/outbox/", include("gecc.notifications.urls")),
    path("staff/", include("gecc.backoffice.urls")),
    path("portal/", include("gecc.portal.urls")),
    path("api/", include("gecc.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:  # pragma: no cover
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
