"""Who may open which page: one table, every role, every endpoint so far.

Extend ``PAGES`` whenever a screen is added.
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
