"""The production-style stack of the restart tests, and a browser-like HTTP client.

One ``Stack`` (``bench/stack.py``: gunicorn with DEBUG off, its own PostgreSQL cluster and
Redis, a Celery worker, e-mail as one file per message) serves a whole test module; the
stack always runs on its own PostgreSQL, whatever database the suite itself uses. The
waiting times of the recovery are shortened through the environment, as an operator could:
a message is taken by the sweep 3 s after it was due, an import job 3 s after its upload, and
the broker gives a task a dead worker held to another after 8 s.
"""

import json
import re
import time

import psycopg
import pytest
import requests
from bench.stack import Stack

STACK_ENV = {
    "OUTBOX_SWEEP_AFTER_SECONDS": "3",
    "REGISTRY_IMPORT_STALL_SECONDS": "3",
    "CELERY_VISIBILITY_TIMEOUT": "8",
}
HTTP_TIMEOUT = 30
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    for name, value in STACK_ENV.items():
        patch.setenv(name, value)
    try:
        with Stack(tmp_path_factory.mktemp("stack"), workers=2, threads=4) as running:
            running.migrate().serve().start_worker()
            yield running
    finally:
        patch.undo()


def ask(stack, call: str):
    """Run ``tests.ops.world.<call>`` in a Django process of the stack; its JSON answer."""
    output = stack.python(f"from tests.ops import world\nworld.{call}")
    return json.loads(output.strip().splitlines()[-1])


def sql(stack, query, params=()):
    """One read of the stack's database from here (fast enough to poll)."""
    with psycopg.connect(stack.database_url, connect_timeout=5) as connection:
        return connection.execute(query, params).fetchall()


def wait_until(check, timeout, what, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s (last: {value!r})")
        time.sleep(interval)


class Browser:
    """What a browser does over HTTP: cookies, the CSRF token, htmx's header."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()

    def close(self):
        self.http.close()

    def url(self, path):
        return self.base_url + path

    def get(self, path, *, htmx=False, timeout=HTTP_TIMEOUT):
        headers = {"HX-Request": "true"} if htmx else {}
        return self.http.get(self.url(path), headers=headers, timeout=timeout)

    def post(self, path, data=None, files=None, *, htmx=False, timeout=HTTP_TIMEOUT,
             allow_redirects=True):
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken", ""),
                   "Referer": self.url(path)}
        if htmx:
            headers["HX-Request"] = "true"
        return self.http.post(self.url(path), data=data or {}, files=files, headers=headers,
                              timeout=timeout, allow_redirects=allow_redirects)

    def sign_in(self, email, password, totp_key_hex=None):
        page = self.get("/accounts/login/")
        token = CSRF_INPUT.search(page.text).group(1)
        response = self.post("/accounts/login/", {"csrfmiddlewaretoken": token,
                                                  "email": email, "password": password})
        if totp_key_hex:
            from django_otp.oath import TOTP

            assert "/accounts/otp/verify/" in response.url, response.url
            token = CSRF_INPUT.search(response.text).group(1)
            code = f"{TOTP(bytes.fromhex(totp_key_hex)).token():06d}"
            response = self.post("/accounts/otp/verify/",
                                 {"csrfmiddlewaretoken": token, "code": code})
        assert response.status_code == 200 and "/accounts/" not in response.url, (
            response.status_code, response.url)
        return self
