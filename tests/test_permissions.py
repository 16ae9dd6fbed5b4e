"""Who may open the main pages, each role signed in with nothing else set up: a quick
table. The full one, every URL of the project with real objects (a member's own and another
team's applications, drafts, evidence files, a conflict of interest), is
``tests/test_url_walk.py``, which fails on a URL without an expectation.
"""

import pytest

ROLES = ("anonymous", "secretariat", "assessor", "coordinator", "steering")
OK, DENIED, LOGIN = 200, 403, 302

PAGES = {
    # url: expected status per role, in ROLES order
    "/": (OK, OK, OK, OK, OK),
    "/api/status/": (OK, OK, OK, OK, OK),
    "/staff/": (LOGIN, OK, DENIED, DENIED, DENIED),
    "/staff/assessment/": (LOGIN, DENIED, OK, DENIED, DENIED),
    "/staff/steering/": (LOGIN, DENIED, DENIED, DENIED, OK),
    "/portal/": (LOGIN, DENIED, DENIED, OK, DENIED),
    "/accounts/security/": (LOGIN, OK, OK, OK, OK),
    "/staff/audit/": (LOGIN, OK, DENIED, DENIED, DENIED),
    "/staff/outbox/": (LOGIN, OK, DENIED, DENIED, DENIED),
    "/staff/criteria/": (LOGIN, OK, OK, DENIED, OK),
    "/registry/units/": (LOGIN, OK, OK, OK, OK),
    # The desk review: the secretariat, and members for their team's applications only;
    # the steering committee has its own pages.
    "/applications/review/": (LOGIN, OK, OK, DENIED, DENIED),
}

CASES = [(url, role, expected[i]) for url, expected in PAGES.items() for i, role in enumerate(ROLES)]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "expected"), CASES)
def test_page_permission(client, login_as, url, role, expected):
    if role != "anonymous":
        login_as(role)
    response = client.get(url)
    assert response.status_code == expected
    if expected == LOGIN:
        assert "/accounts/login/" in response.url
