"""The calibration page in a browser: no WCAG 2.1 A/AA violation (axe-core) with figures,
charts and flags, at desktop and phone width, and in its empty state; the charts are drawn
by Chart.js from the page's JSON under the strict Content-Security-Policy."""

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_desk_review import sign_in_verified
from tests.factories import UserFactory
from tests.scoring.factories_calibration import NA, give_scores, lock_result, scored_round


def calibrated_round():
    """Two teams of three; team 1's first member scores high, team 2 proposes low levels."""
    world = scored_round(teams=2, applications=2, members=3)
    patterns = {0: (4, 2, 3), 1: (2, 2, 1)}
    for number, team in enumerate(world.teams):
        for application in world.applications[team.pk]:
            for member, score in zip(world.members[team.pk], patterns[number], strict=True):
                give_scores(application, member, {"P1.1": score, "Q1.1": score - 1 or NA})
            lock_result(application, "advanced" if number == 0 else "", 80 if number == 0 else 40)
    return world


def open_calibration(page, live_server, round_obj):
    secretariat = UserFactory(roles=["secretariat"])
    sign_in_verified(page, live_server, secretariat)
    return reverse("scoring:calibration.round", args=[round_obj.pk])


def refusals(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error" else None)
    return messages


@pytest.mark.parametrize("fixture", ["page", "phone_page"])
def test_calibration_page_is_accessible(request, live_server, fixture):
    page = request.getfixturevalue(fixture)
    errors = refusals(page)
    world = calibrated_round()
    path = open_calibration(page, live_server, world.round)
    assert_accessible(page, path, shows=["[data-testid=assessor-table]",
                                         "[data-testid=team-table]", "#leniency-chart",
                                         "#level-chart"])
    assert page.locator("[data-testid=assessor-flag] .badge.flag").count() >= 1
    assert page.locator("[data-testid=team-flag] .badge.flag").count() == 2
    # Chart.js drew both charts (it keeps one chart per canvas).
    drawn = page.evaluate("""() => ['leniency-chart', 'level-chart'].map(
        (id) => Boolean(window.Chart && window.Chart.getChart(document.getElementById(id))))""")
    assert drawn == [True, True]
    assert errors == []


def test_empty_calibration_page_is_accessible(page, live_server):
    world = scored_round(teams=1, applications=1, members=2)
    path = open_calibration(page, live_server, world.round)
    assert_accessible(page, path, shows=["[data-testid=calibration-empty]"])
