"""The steering-committee report's page passes axe-core's WCAG 2.1 A/AA rules: with results
and flags (for the steering committee and the secretariat, at desktop width and on a phone),
filtered to nothing, and for a round without any locked result."""

import pytest
from django.urls import reverse

from gecc.scoring.models import TeamSheet
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_desk_review import sign_in_verified
from tests.factories import UserFactory
from tests.scoring.factories_feedback import (
    NO_LEVEL,
    accepted_application,
    add_team_sheet,
    feedback_world,
)

pytestmark = pytest.mark.django_db(transaction=True)


def world():
    secretariat = UserFactory(roles=["secretariat"])
    built = feedback_world(secretariat=secretariat)
    other = accepted_application(built.round, built.team,
                                 name_th="ศูนย์ราชการสะดวก เทศบาลตำบลลี้")
    add_team_sheet(other, built.team, NO_LEVEL)  # a mandatory item not met: flagged
    return built


def report_path(built, query=""):
    return reverse("decisions:report.detail", args=[built.round.pk]) + query


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_report_is_accessible_to_the_steering_committee(page, phone_page, live_server,
                                                            sign_in, size):
    target = page if size == "desktop" else phone_page
    built = world()
    sign_in(target, UserFactory(roles=["steering"]))
    assert_accessible(target, report_path(built),
                      shows=["[data-testid=report-summary]", "[data-testid=report-table]",
                             "[data-testid=count-province]", "[data-flag=mandatory]"])


def test_the_report_is_accessible_to_the_secretariat_filtered(page, live_server):
    built = world()
    sign_in_verified(page, live_server, built.secretariat)
    assert_accessible(page, report_path(built, "?flagged=on&level=excellence"),
                      shows=["[data-testid=rows-empty]"])


def test_the_empty_report_is_accessible(page, live_server, sign_in):
    built = world()
    TeamSheet.objects.filter(application__round=built.round).update(state="open")
    sign_in(page, UserFactory(roles=["steering"]))
    assert_accessible(page, report_path(built), shows=["[data-testid=report-empty]"])
