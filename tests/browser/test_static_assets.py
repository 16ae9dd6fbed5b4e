"""The live server serves the stylesheets, the Sarabun typeface and htmx to the browser."""

from playwright.sync_api import expect

FONT_URL = "/static/fonts/sarabun/Sarabun-Regular.ttf"


def test_static_font_file_is_served(page):
    page.goto("/")
    status = page.evaluate("url => fetch(url).then(r => r.status)", FONT_URL)
    assert status == 200


def test_static_stylesheets_and_sarabun_are_loaded(page):
    responses = {}
    page.on("response", lambda r: responses.setdefault(r.url.split("?")[0], r.status))
    page.goto("/")
    page.evaluate("document.fonts.ready.then(() => true)")

    base = page.url.rstrip("/")
    assert responses.get(base + "/static/gecc/css/app.css") == 200
    assert responses.get(base + "/static/gecc/css/fonts.css") == 200
    assert responses.get(base + FONT_URL) == 200
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert '"Sarabun"' in loaded or "Sarabun" in loaded
    assert "Sarabun" in page.evaluate("getComputedStyle(document.body).fontFamily")
    # app.css is applied, not only fetched: the header is laid out as a bar.
    expect(page.locator(".site-header")).to_be_visible()
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.nav-toggle')).display"
    ) == "none"


def test_static_htmx_is_loaded(page):
    page.goto("/")
    page.wait_for_function("typeof htmx !== 'undefined'")
    assert page.evaluate("typeof htmx") == "object"
