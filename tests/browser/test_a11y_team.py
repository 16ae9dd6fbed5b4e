"""Team consolidation pages in a browser: no WCAG 2.1 A/AA violation (axe-core) on the
round's list, a team sheet (desktop and phone, and with a refused consensus shown on its
form), the lock confirmation, a member's sheet and the "submit your own sheet first" page."""

import pytest
from django.urls import reverse

from gecc.scoring.domain import consolidation as c
from tests.browser.test_accessibility import assert_accessible, axe_violations, describe
from tests.browser.test_desk_review import sign_in_verified
from tests.factories import UserFactory
from tests.scoring.factories_sheets import scoring_world
from tests.scoring.factories_team import NA, sheet, team_scores

SPREAD = {"P1.1": [1, (2, "ลานจอดเล็ก"), 4], "P1.2": [NA, NA, NA], "Q1.1": [2, 3, NA]}


def scored():
    world = scoring_world()
    sheets = team_scores(world, SPREAD)
    return world, c.team_sheet_for(world.application), sheets


@pytest.mark.parametrize("fixture", ["page", "phone_page"])
def test_the_team_sheet_is_accessible(request, live_server, sign_in, fixture):
    page = request.getfixturevalue(fixture)
    world, team_sheet, _sheets = scored()
    sign_in(page, world.chair)
    path = reverse("scoring:team.detail", args=[team_sheet.pk])
    assert_accessible(page, live_server.url + path, landing=path,
                      shows=["[data-testid=score-table]", "[data-testid=flag]"])


def test_a_refused_consensus_is_accessible(page, live_server, sign_in):
    world, team_sheet, _sheets = scored()
    sign_in(page, world.chair)
    page.goto(live_server.url + reverse("scoring:team.detail", args=[team_sheet.pk]))
    form = page.locator("#item-Q1\\.1 form")
    form.locator("select").select_option("3")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#item-Q1\\.1 .errorlist").count() >= 1
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_list_lock_sheet_and_wait_pages_are_accessible(page, live_server, sign_in):
    world, team_sheet, sheets = scored()
    sign_in_verified(page, live_server, UserFactory(roles=["secretariat"]))
    path = reverse("scoring:team.list", args=[world.round.pk])
    assert_accessible(page, live_server.url + path, landing=path,
                      shows=["[data-testid=team-table]"])
    path = reverse("scoring:team.lock", args=[team_sheet.pk])
    assert_accessible(page, live_server.url + path, landing=path,
                      shows=["[data-testid=lock-problems]"])
    path = reverse("scoring:sheet.detail", args=[sheets[1].pk])
    assert_accessible(page, live_server.url + path, landing=path,
                      shows=["[data-testid=sheet-item]"])
    other = scoring_world(world.round, secretariat=world.secretariat)
    sheet(other, other.qualified[0], {"P1.1": 2, "P1.2": 1, "Q1.1": 2})
    waiting = c.team_sheet_for(other.application)
    sign_in(page, other.chair)
    path = reverse("scoring:team.detail", args=[waiting.pk])
    assert_accessible(page, live_server.url + path, landing=path, shows=["[data-testid=wait]"])
