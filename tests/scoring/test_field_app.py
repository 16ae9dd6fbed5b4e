"""The field app's shell, service worker and manifest (``field:app``, ``field:sw``,
``field:manifest``): who opens the shell, what the worker keeps and loads (our own static
files, never a CDN; never the JSON API), and the installable app's manifest."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from gecc.scoring.views import field
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def config_of(response):
    match = re.search(r'data-config="([^"]+)"', response.content.decode())
    return json.loads(match.group(1).replace("&quot;", '"'))


def worker_config(body):
    match = re.search(r"^const CONFIG = (.*);$", body, re.MULTILINE)
    return json.loads(match.group(1))


def test_urls_are_named():
    assert reverse("field:app") == "/field/"
    assert reverse("field:sw") == "/field/sw.js"
    assert reverse("field:manifest") == "/field/manifest.webmanifest"


# -- the shell -----------------------------------------------------------------------------

def test_member_opens_the_shell_in_thai(client):
    member = sign_in(client, UserFactory(roles=["assessor"]))
    response = client.get("/field/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"  # every signed-in page
    html = response.content.decode()
    assert "ดาวน์โหลดชุดข้อมูลการตรวจประจำวัน" in html
    assert 'accept="image/*" capture="environment"' in html
    assert f'href="{reverse("field:manifest")}"' in html
    assert static("vendor/dexie/dexie.min.js") in html
    assert static("scoring/field/field.js") in html
    assert 'role="status" aria-live="polite"' in html  # the waiting-to-send badge
    config = config_of(response)
    assert config["user"] == member.pk
    assert config["sw"] == "/field/sw.js" and config["scope"] == "/field/"
    assert config["pack"] == "/field/api/pack/"
    assert config["sync"] == "/field/api/sync/"
    assert config["submit"] == "/field/api/applications/{id}/submit/"
    assert config["photo_start"] == "/field/api/photos/"
    assert config["photo_chunk"] == "/field/api/photos/{sha256}/"
    assert config["photo_status"] == "/field/api/photos/{sha256}/status/"
    assert config["photo_file"] == "/field/api/photos/{sha256}/"


def test_shell_keeps_the_strict_policy(client):
    sign_in(client, UserFactory(roles=["assessor"]))
    policy = client.get("/field/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "img-src 'self' data:" in policy
    assert "blob:" not in policy and "unsafe" not in policy


@pytest.mark.parametrize("role", ["coordinator", "secretariat", "steering"])
def test_only_members_open_the_shell(login_as, client, role):
    login_as(role)
    assert client.get("/field/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/field/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# -- the service worker --------------------------------------------------------------------

@pytest.fixture
def worker(client):
    response = client.get("/field/sw.js")
    assert response.status_code == 200
    return response


def test_worker_is_javascript_with_its_scope_and_never_cached_by_http(worker):
    assert worker["Content-Type"] == "text/javascript; charset=utf-8"
    assert worker["Cache-Control"] == "no-cache"
    assert not worker.has_header("Service-Worker-Allowed")  # /field/sw.js covers /field/


def test_worker_loads_workbox_from_our_static_files_never_a_cdn(worker):
    body = worker.content.decode()
    assert f'importScripts("{static("vendor/workbox-sw/workbox-sw.js")}");' in body
    assert "modulePathCb" in body
    config = worker_config(body)
    assert config["modules"] == {
        name: static(f"vendor/{name}/{name}.prod.js") for name in field.WORKBOX_MODULES}
    assert "googleapis" not in body and "cdn" not in body.lower().replace("workbox-cdn", "")
    for name in field.WORKBOX_MODULES:
        assert finders.find(f"vendor/{name}/{name}.prod.js"), name
    assert finders.find("vendor/workbox-sw/workbox-sw.js")


def test_worker_keeps_the_shell_and_every_file_it_needs(worker):
    config = worker_config(worker.content.decode())
    assert config["shell"] == "/field/"
    urls = [entry["url"] for entry in config["precache"]]
    assert urls == [static(path) for path in field.SHELL_ASSETS] + ["/field/manifest.webmanifest"]
    assert all(re.fullmatch(r"[0-9a-f]{16}", entry["revision"]) for entry in config["precache"])
    for path in field.SHELL_ASSETS:
        assert finders.find(path), f"{path} is kept by the worker but does not exist"


def test_worker_offline_page_is_thai(worker):
    config = worker_config(worker.content.decode())
    assert "ไม่มีการเชื่อมต่อ" in config["offlineHtml"]
    assert "<script" not in config["offlineHtml"]


def test_worker_never_routes_the_json_api(worker):
    body = worker.content.decode()
    config = worker_config(body)
    assert config["photoPrefix"] == "/field/api/photos/"
    assert config["evidencePrefix"] == "/evidence/"
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", body, flags=re.DOTALL)  # without comments
    for path in ("api/sync", "api/pack", "submit", "/status"):
        assert path not in code, path
    # Photos are read with GET only; their uploads (POST/PUT) never match a route.
    assert body.count('request.method === "GET"') == 3


def test_worker_changes_when_a_kept_file_changes(client, monkeypatch):
    before = client.get("/field/sw.js").content
    field._file_revision.cache_clear()
    monkeypatch.setattr(field, "_file_revision", lambda path: "0123456789abcdef")
    after = client.get("/field/sw.js").content
    assert before != after
    assert re.search(rb"Version [0-9a-f]{16}", before)


def test_worker_and_manifest_are_served_to_anyone(client):
    # Nothing private in either: a browser checks for a new worker even when signed out.
    assert client.get("/field/sw.js").status_code == 200
    assert client.get("/field/manifest.webmanifest").status_code == 200


# -- the manifest --------------------------------------------------------------------------

def test_manifest_makes_the_app_installable(client):
    response = client.get("/field/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "ระบบตรวจประเมินศูนย์ราชการสะดวก — ภาคสนาม"
    assert manifest["start_url"] == "/field/" and manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "th"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for icon in manifest["icons"]:
        path = icon["src"].removeprefix(static(""))
        assert finders.find(path), icon["src"]


def test_icons_are_the_sizes_they_say(client):
    from PIL import Image

    for size in (192, 512):
        with Image.open(finders.find(f"scoring/field/icon-{size}.png")) as image:
            assert image.size == (size, size)


# -- a shared tablet: signing out --------------------------------------------------------------

def test_the_shell_marks_the_device_with_the_member_who_opened_it(client, settings):
    from gecc.accounts.views.login import DEVICE_MEMBER_COOKIE

    member = sign_in(client, UserFactory(roles=["assessor"]))
    mark = client.get("/field/").cookies[DEVICE_MEMBER_COOKIE]
    assert mark.value == str(member.pk)
    assert config_of(client.get("/field/"))["member_cookie"] == DEVICE_MEMBER_COOKIE
    # Read by the kept shell offline (so not HttpOnly), on every path, for a long time.
    assert (mark["path"], mark["httponly"], mark["samesite"]) == ("/", "", "Lax")
    assert mark["max-age"] == settings.CSRF_COOKIE_AGE


def test_signing_out_clears_the_cache_and_the_device_mark(client):
    from gecc.accounts.views.login import DEVICE_MEMBER_COOKIE

    sign_in(client, UserFactory(roles=["assessor"]))
    client.get("/field/")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    # "cache", not "storage": changes not sent yet stay in the device's database.
    assert response["Clear-Site-Data"] == '"cache"'
    mark = response.cookies[DEVICE_MEMBER_COOKIE]
    assert (mark.value, mark["max-age"], mark["path"]) == ("", 0, "/")
    assert DEVICE_MEMBER_COOKIE not in client.cookies or client.cookies[DEVICE_MEMBER_COOKIE].value == ""
