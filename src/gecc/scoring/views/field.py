"""The field app: the installable offline web app members score with on a tablet.

* ``field:app`` (``/field/``): the app shell. Everything it shows comes from the browser's
  own database (IndexedDB through Dexie), filled from the visit pack, so the same page works
  with no network once its service worker has kept it. Members only (403 for everyone else).
* ``field:sw`` (``/field/sw.js``): the service worker, rendered from a template so it knows
  the static files' addresses (hashed in production) and their revisions; scope ``/field/``.
* ``field:manifest`` (``/field/manifest.webmanifest``): the web app manifest.
* ``field:api.pack`` (``/field/api/pack/``): the day's visit pack (``domain.pack``).

The service worker and the manifest hold nothing private and are served to anyone, so a
browser can check for a new service worker even after the session ended.
"""

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.accounts.rules import is_assessor
from gecc.accounts.views.login import DEVICE_MEMBER_COOKIE
from gecc.scoring.domain.pack import build_pack

# Workbox modules the service worker loads (``workbox.setConfig({modulePathCb})``), served
# from the npm packages by ``gecc.common.staticfinders``; never from a CDN.
WORKBOX_MODULES = ("workbox-core", "workbox-routing", "workbox-strategies",
                   "workbox-precaching", "workbox-expiration")
# What the shell needs to start with no network: kept by the service worker when it installs.
SHELL_ASSETS = (
    "gecc/css/fonts.css", "gecc/css/app.css", "gecc/favicon.svg", "gecc/favicon.ico",
    "fonts/sarabun/Sarabun-Regular.ttf", "fonts/sarabun/Sarabun-Italic.ttf",
    "fonts/sarabun/Sarabun-SemiBold.ttf", "fonts/sarabun/Sarabun-Bold.ttf",
    "vendor/htmx/htmx.min.js", "gecc/js/htmx-errors.js", "vendor/dexie/dexie.min.js",
    "scoring/field/field.css", "scoring/field/field.js", "scoring/field/icon.svg",
    "scoring/field/icon-192.png", "scoring/field/icon-512.png",
)
SHELL_TEMPLATES = ("base.html", "scoring/field/app.html", "scoring/field/offline.html")
# A photo's bytes go up in pieces of this size (the server takes at most 1 MiB a piece).
PHOTO_CHUNK_BYTES = 512 * 1024
DIGEST_PLACEHOLDER = "0" * 64


class MemberMixin(AllowedUserRequiredMixin):
    """Sub-committee members (anonymous → sign-in page, anyone else → 403). Which
    applications a member may score is then decided per application by the pack."""

    def allowed(self, user):
        return is_assessor(user)


@functools.lru_cache(maxsize=256)
def _file_revision(path: str) -> str:
    """A short content hash of a static file (its precache revision)."""
    try:
        with staticfiles_storage.open(path) as handle:
            content = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        found = finders.find(path)
        if not found:
            return "missing"
        with open(found, "rb") as handle:
            content = handle.read()
    return hashlib.sha256(content).hexdigest()[:16]


def _template_revision() -> str:
    digest = hashlib.sha256()
    for name in SHELL_TEMPLATES:
        template = get_template(name)
        digest.update(template.template.source.encode())
    return digest.hexdigest()[:16]


def _url_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the JSON API lives in its own module (``urls_sync``)
        return None


def _pattern(name, placeholder, marker):
    """A URL with one parameter as a pattern the script fills: ``/x/{id}/``."""
    url = _url_or_none(name, placeholder)
    return url.replace(str(placeholder), marker) if url else ""


def _evidence_prefix() -> str:
    """Where evidence files are served (``/evidence/``): their in-page previews are kept."""
    placeholder = "00000000-0000-0000-0000-000000000000"
    return reverse("evidence:file.download", args=[placeholder]).split(placeholder)[0]


def manifest_data() -> dict:
    return {
        "name": _("GECC Certify — field scoring"),
        "short_name": _("GECC field"),
        "description": _("Score applications on site, with or without a network."),
        "lang": "th",
        "dir": "ltr",
        "start_url": reverse("field:app"),
        "scope": reverse("field:app"),
        "id": reverse("field:app"),
        "display": "standalone",
        "orientation": "any",
        "background_color": "#f5f7fa",
        "theme_color": "#1f4e8c",
        "icons": [
            {"src": static("scoring/field/icon-192.png"), "sizes": "192x192",
             "type": "image/png", "purpose": "any"},
            {"src": static("scoring/field/icon-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "any maskable"},
            {"src": static("scoring/field/icon.svg"), "sizes": "any",
             "type": "image/svg+xml"},
        ],
    }


class FieldAppView(MemberMixin, TemplateView):
    """The app shell (module docstring). It marks the device with the member's id
    (``DEVICE_MEMBER_COOKIE``, removed when anyone signs out): a shell the service worker
    kept opens its member's offline data only while the mark still names that member, so
    the next member on a shared tablet never sees the previous one's sheets."""

    template_name = "scoring/field/app.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.set_cookie(DEVICE_MEMBER_COOKIE, str(request.user.pk),
                            max_age=settings.CSRF_COOKIE_AGE, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE, httponly=False)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["config"] = {
            "user": self.request.user.pk,
            "sw": reverse("field:sw"),
            "scope": reverse("field:app"),
            "pack": reverse("field:api.pack"),
            "sync": _url_or_none("field:api.sync") or "",
            "submit": _pattern("field:api.submit", 987654321, "{id}"),
            "photo_start": _url_or_none("field:api.photo.start") or "",
            "photo_chunk": _pattern("field:api.photo.chunk", DIGEST_PLACEHOLDER, "{sha256}"),
            "photo_status": _pattern("field:api.photo.status", DIGEST_PLACEHOLDER, "{sha256}"),
            "photo_file": _pattern("field:api.photo.file", DIGEST_PLACEHOLDER, "{sha256}"),
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "photo_max_bytes": settings.SCORING_PHOTO_MAX_BYTES,
            "photo_chunk_bytes": PHOTO_CHUNK_BYTES,
            "max_changes": min(settings.SCORING_SYNC_MAX_CHANGES, 200),
            "member_cookie": DEVICE_MEMBER_COOKIE,
        }
        context["config_json"] = json.dumps(context["config"])
        return context


class ServiceWorkerView(View):
    """``/field/sw.js`` (module docstring)."""

    def get(self, request):
        precache = [{"url": static(path), "revision": _file_revision(path)}
                    for path in SHELL_ASSETS]
        manifest_json = json.dumps(manifest_data(), ensure_ascii=False, sort_keys=True)
        precache.append({"url": reverse("field:manifest"), "revision": hashlib.sha256(
            manifest_json.encode()).hexdigest()[:16]})
        offline_html = render_to_string("scoring/field/offline.html", {}, request=None)
        shell_revision = _template_revision()
        config = {
            "shell": reverse("field:app"),
            "shellRevision": shell_revision,
            "precache": precache,
            "modules": {name: static(f"vendor/{name}/{name}.prod.js")
                        for name in WORKBOX_MODULES},
            "offlineHtml": offline_html,
            "photoPrefix": (_url_or_none("field:api.photo.file", DIGEST_PLACEHOLDER)
                            or "").split(DIGEST_PLACEHOLDER)[0],
            "evidencePrefix": _evidence_prefix(),
            "staticPrefix": settings.STATIC_URL,
        }
        body = render_to_string("scoring/field/sw.js", {
            "workbox_sw": static("vendor/workbox-sw/workbox-sw.js"),
            "config": json.dumps(config, ensure_ascii=False, sort_keys=True),
            "version": hashlib.sha256(json.dumps(config, sort_keys=True).encode())
            .hexdigest()[:16],
        })
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        return response


class ManifestView(View):
    def get(self, request):
        response = JsonResponse(manifest_data(), json_dumps_params={"ensure_ascii": False})
        response["Content-Type"] = "application/manifest+json"
        response["Cache-Control"] = "no-cache"
        return response


class PackView(MemberMixin, View):
    """The member's visit pack as JSON (``domain.pack.build_pack``)."""

    def get(self, request):
        response = JsonResponse(build_pack(request.user),
                                json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "private, no-store"
        return response
