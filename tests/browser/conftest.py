"""Browser tests: headless Chromium driven by Playwright against pytest-django's live server.

Fixtures
    ``page``          a fresh browser context and page per test, desktop size, Thai locale,
                      ``base_url`` = the live server, so ``page.goto("/")`` works;
    ``tablet_page``   the same at 1280x800 (what assessors carry on a visit);
    ``phone_page``    the same at 390x844, as a touch phone;
    ``viewport``      the size ``page`` uses: override it in a module or parametrize it
                      indirectly to try other sizes;
    ``sign_in``       ``sign_in(page, user)`` gives the page a signed-in session for
                      ``user`` without the sign-in form (roles that need a second factor
                      still meet the second-factor step);
    ``browser_page_factory``
                      ``browser_page_factory(viewport=..., **context_options)`` → a page
                      not bound to any server (for ``set_content``) or bound to one with
                      ``base_url=...``.

Pages of the live server need committed data, so they bring ``transactional_db``: create
data with factories in the test, before ``page.goto``.

Every test in this folder is marked ``browser`` (``pytest -m "not browser"`` skips them).
When a browser test fails, a screenshot and the page HTML are written to
``test-artifacts/<test name>.png`` / ``.html`` at the repository root (or to the folder
named by ``GECC_TEST_ARTIFACTS_DIR``) and the paths are printed with the failure.

Chromium is the system one (``CHROMIUM_PATH``, default ``/usr/bin/chromium``, the Debian
package ``chromium``); Playwright never downloads a browser of its own. If it is missing
the browser tests fail, saying so: they are part of the suite and must not vanish quietly.
"""

import contextlib
import os
import re
import threading
import time
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BROWSER_TESTS_DIR.parent.parent
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1366, "height": 900}
TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
DEFAULT_TIMEOUT_MS = 10_000
IDLE_TIMEOUT_S = 10

_PAGES = pytest.StashKey[list]()


def artifacts_dir():
    return Path(os.environ.get("GECC_TEST_ARTIFACTS_DIR") or PROJECT_ROOT / "test-artifacts")


def artifact_stem(test_name):
    """``test_menu[phone]`` → ``test_menu_phone_``: a safe file name for every platform."""
    return re.sub(r"[^\w.-]", "_", test_name)


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session, not only this folder: mark only our tests.
    for item in items:
        if BROWSER_TESTS_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def playwright_instance():
    """One Playwright driver for all the browser tests.

    The sync API runs an asyncio event loop in this (the main) thread for as long as the
    driver lives. Django then takes every ORM call made here, by factories in a test or
    by the transactional_db flush, for a call from async code and refuses it with
    SynchronousOnlyOperation. Nothing here is really concurrent: the live server answers
    in its own thread, and the test thread only waits for the browser. So the check is
    switched off (DJANGO_ALLOW_ASYNC_UNSAFE) while the driver runs, and only then: the
    fixture is package-scoped, so the driver stops and the check is back once the last
    browser test is done, before any other test of the session runs.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright_instance):
    if not Path(CHROMIUM_PATH).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}: install the Debian package 'chromium' "
            "(or set CHROMIUM_PATH). The browser tests need it and never download a browser.",
            pytrace=False,
        )
    chromium = playwright_instance.chromium.launch(
        executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def browser_page_factory(request, browser):
    """Open pages in fresh contexts; they are closed after the test (and shot if it fails)."""
    contexts = []
    pages = request.node.stash.setdefault(_PAGES, [])

    def open_page(viewport=None, **context_options):
        options = {"locale": "th-TH", "timezone_id": "Asia/Bangkok",
                   "viewport": dict(viewport or DESKTOP), **context_options}
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        new_page = context.new_page()
        pages.append(new_page)
        return new_page

    yield open_page
    open_pages = list(pages)
    pages.clear()
    close_quietly(contexts, open_pages)
    live_server_traffic.wait_idle()


def close_quietly(contexts, pages):
    """Close the test's pages so that nothing they do reaches the live server afterwards.

    The test's data is about to be flushed (``TRUNCATE`` of every table). A request the
    server is still answering then deadlocks with the flush, and its writes survive into
    the next test. Closing a page is not enough: the self-assessment saves a pending change
    on ``pagehide`` with a keepalive fetch, which the browser sends after the page is gone
    and which no route intercepts any more. So each page's document is emptied first (its
    scripts save only forms still in the document), then every request is refused, then
    the contexts close; the caller waits for the requests already at the server.
    """
    from playwright.sync_api import Error

    for open_page in pages:
        if open_page.is_closed():
            continue
        with contextlib.suppress(Error):  # a crashed page sends nothing either
            open_page.evaluate("() => { if (document.body) { document.body.replaceChildren(); } }")
    for context in contexts:
        with contextlib.suppress(Error):  # closed already (by the test)
            context.route("**/*", lambda route: route.abort())
            context.close()


class LiveServerTraffic:
    """The requests the live server (Django's ``WSGIHandler``) is answering, counted by the
    ``request_started`` / ``request_finished`` signals (the test client's handler is not a
    ``WSGIHandler``, so its requests are not counted)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.in_flight = 0
        self.paths = []

    @staticmethod
    def counts(sender):
        return isinstance(sender, type) and issubclass(sender, WSGIHandler)

    def started(self, sender, environ=None, **kwargs):
        if not self.counts(sender):
            return
        with self._lock:
            self.in_flight += 1
            self.paths.append((environ or {}).get("PATH_INFO", ""))

    def finished(self, sender, **kwargs):
        if not self.counts(sender):
            return
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)

    def wait_idle(self, timeout=IDLE_TIMEOUT_S):
        """Wait until no request is being answered; True if that happened in time."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self.in_flight


live_server_traffic = LiveServerTraffic()
request_started.connect(live_server_traffic.started, weak=False,
                        dispatch_uid="browser-tests-live-server-started")
request_finished.connect(live_server_traffic.finished, weak=False,
                         dispatch_uid="browser-tests-live-server-finished")


@pytest.fixture(autouse=True)
def _geography(request):
    """Browser tests run on ``transactional_db``, which empties every table after each test,
    the geography loaded by the data migration included: load it again when it is gone (as
    for every test marked ``django_db(transaction=True)``, see ``tests/conftest.py``)."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from gecc.geography.domain.loader import load_geography
    from gecc.geography.models import Subdistrict

    if not Subdistrict.objects.exists():
        load_geography()


@pytest.fixture
def viewport():
    return DESKTOP


@pytest.fixture
def page(transactional_db, live_server, browser_page_factory, viewport):
    return browser_page_factory(viewport=viewport, base_url=live_server.url)


@pytest.fixture
def tablet_page(transactional_db, live_server, browser_page_factory):
    return browser_page_factory(viewport=TABLET, base_url=live_server.url)


@pytest.fixture
def phone_page(transactional_db, live_server, browser_page_factory):
    return browser_page_factory(viewport=PHONE, base_url=live_server.url,
                                is_mobile=True, has_touch=True)


@pytest.fixture
def sign_in(live_server):
    """``sign_in(page, user)``: put a session cookie for ``user`` into the page's context."""
    from django.conf import settings
    from django.test import Client

    def attach(target_page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        target_page.context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
            "url": live_server.url, "httpOnly": True, "sameSite": "Lax",
        }])
        return target_page

    return attach


def save_failure_artifacts(test_name, pages):
    """Screenshot and HTML of each open page; returns the paths written (or why not)."""
    folder = artifacts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for number, open_page in enumerate(pages, start=1):
        stem = artifact_stem(test_name) + ("" if number == 1 else f"-{number}")
        png, html = folder / f"{stem}.png", folder / f"{stem}.html"
        try:
            open_page.screenshot(path=str(png), full_page=True)
            html.write_text(open_page.content(), encoding="utf-8")
        except Exception as exc:  # a crashed or closed page must not hide the real failure
            lines.append(f"could not save {png}: {exc}")
        else:
            lines.append(f"screenshot: {png}")
            lines.append(f"page HTML: {html}")
    return lines


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    pages = item.stash.get(_PAGES, None)
    if report.failed and report.when in ("setup", "call") and pages:
        lines = save_failure_artifacts(item.name, pages)
        report.sections.append(("browser artifacts", "\n".join(lines)))
        reporter = item.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            for line in lines:
                reporter.write_line(f"{item.nodeid}: {line}")
    return report
