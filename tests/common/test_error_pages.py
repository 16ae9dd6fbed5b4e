"""The error pages: Thai (English when chosen), the site's navigation and a way back; the
500 page falls back to a self-contained page when the layout itself cannot be rendered."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from gecc.accounts.models import User
from gecc.common.views import bad_request

pytestmark = pytest.mark.django_db


def page(response):
    return response.content.decode()


def test_404_is_thai_with_the_layout_and_the_way_home(client):
    response = client.get("/no-such-page/")
    html = page(response)
    assert response.status_code == 404
    assert "<h1>ไม่พบหน้าที่ต้องการ</h1>" in html
    assert '<p class="error-code muted">ข้อผิดพลาด 404</p>' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert '<a class="button" href="/" data-testid="error-home">ไปที่หน้าแรก</a>' in html
    assert 'data-testid="error-back"' not in html  # no previous page
    assert "Page not found at" not in html  # never Django's listing of URLs


def test_404_in_english_when_chosen(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client.get("/no-such-page/"))
    assert "<h1>Page not found</h1>" in html
    assert '<html lang="en">' in html


def test_404_for_a_signed_in_user_keeps_the_navigation(client, login_as):
    login_as("coordinator")
    html = page(client.get("/no-such-page/"))
    assert '<a href="/portal/">' in html
    assert '<a class="button" href="/home/" data-testid="error-home">' in html


def test_back_link_only_to_a_page_of_this_site(client):
    html = page(client.get("/no-such-page/", HTTP_REFERER="http://testserver/registry/units/"))
    assert ('<a class="button secondary" href="http://testserver/registry/units/" '
            'data-testid="error-back">กลับไปหน้าก่อนหน้า</a>') in html
    html = page(client.get("/no-such-page/", HTTP_REFERER="https://evil.example/x/"))
    assert 'data-testid="error-back"' not in html


def test_403_is_thai_with_the_layout(client, login_as):
    login_as("coordinator")
    response = client.get("/staff/audit/")
    html = page(response)
    assert response.status_code == 403
    assert "<h1>คุณไม่มีสิทธิ์เปิดหน้านี้</h1>" in html
    assert 'class="site-header"' in html


def test_csrf_failure_is_a_thai_page(settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"email": "a@b.th", "password": "x"})
    html = page(response)
    assert response.status_code == 403
    assert "<h1>ส่งแบบฟอร์มไม่สำเร็จ</h1>" in html
    assert "CSRF verification failed" not in html
    assert 'class="site-header"' in html


@pytest.mark.urls("tests.common.error_urls")
def test_500_is_rendered_with_the_request(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("coordinator"))
    response = client.get("/broken/")
    html = page(response)
    assert response.status_code == 500
    assert "<h1>ระบบขัดข้อง</h1>" in html
    assert '<a href="/portal/">' in html  # the navigation: the request's user
    assert 'data-testid="user-name"' in html


@pytest.mark.urls("tests.common.error_urls")
def test_500_in_english_when_chosen(settings):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client.get("/broken/"))
    assert "<h1>The system had a problem</h1>" in html


@pytest.mark.urls("tests.common.error_urls")
def test_500_falls_back_to_a_plain_page_when_the_layout_fails(monkeypatch, make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("coordinator"))

    def database_down(user):
        raise RuntimeError("the database is down")

    # The navigation reads the user's roles: the layout cannot be rendered.
    monkeypatch.setattr(User, "roles", property(database_down))
    response = client.get("/broken/")
    html = page(response)
    assert response.status_code == 500
    assert '<main data-testid="plain-error">' in html
    assert "<h1>ระบบขัดข้อง</h1>" in html
    assert 'class="site-header"' not in html


@pytest.mark.urls("tests.common.error_urls")
def test_500_last_resort_is_fixed_text(monkeypatch):
    from gecc.common import views

    def no_templates(*args, **kwargs):
        raise RuntimeError("templates are broken")

    monkeypatch.setattr(views.loader, "render_to_string", no_templates)
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert response.content.decode() == views.PLAIN_500


def test_400_is_a_thai_page(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = bad_request(request)
    assert response.status_code == 400
    assert "<h1>ระบบไม่เข้าใจคำขอนี้</h1>" in response.content.decode()


def test_favicon_is_linked_and_answers(client):
    html = page(client.get("/"))
    assert '<link rel="icon" href="/static/gecc/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/gecc/favicon.ico")
    icon = client.get("/static/gecc/favicon.ico")
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
