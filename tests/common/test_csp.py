"""Content-Security-Policy on every HTML page, and no inline script, event handler or style
attribute left in the templates for it to block."""

import re
from pathlib import Path

import pytest

import gecc

pytestmark = pytest.mark.django_db
# E-mails are not web pages: their styles are inline. Printed documents are not either: every
# template under a `documents/` folder is printed by gecc.common.documents under its own policy.
TEMPLATES = [path for path in Path(gecc.__file__).resolve().parent.rglob("templates/**/*.html")
             if "/email/" not in str(path) and "/documents/" not in str(path)]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def header(response):
    return response["Content-Security-Policy"]


def test_public_page_has_a_strict_policy(client):
    policy = header(client.get("/"))
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/password/reset/"])
def test_sign_in_pages_have_the_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "script-src 'self'" in header(response)


def test_signed_in_pages_have_the_policy(client, login_as):
    login_as("coordinator")
    response = client.get("/portal/")
    assert response.status_code == 200
    assert "script-src 'self'" in header(response)


def test_templates_exist():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE,
                                     STYLE_ELEMENT], ids=["script", "on*", "style=", "<style>"])
def test_no_template_has_inline_code_or_styles(pattern):
    offenders = [f"{path.relative_to(Path(gecc.__file__).parent)}:{number}"
                 for path in TEMPLATES
                 for number, line in enumerate(path.read_text().splitlines(), start=1)
                 if pattern.search(line)]
    assert offenders == []


def test_htmx_injects_no_style_element():
    base = (Path(gecc.__file__).parent / "templates" / "base.html").read_text()
    assert '"includeIndicatorStyles":false' in base
