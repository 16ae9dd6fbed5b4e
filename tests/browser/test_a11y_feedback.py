"""The feedback report's pages pass axe-core's WCAG 2.1 A/AA rules: the staff report, the
release confirmations (one application, a whole round), the portal report and the portal's
application page with the report's card, at desktop width and the portal ones on a phone."""

import datetime

import pytest
from django.urls import reverse

from gecc.scoring.domain.feedback import release_feedback
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_desk_review import sign_in_verified
from tests.factories import UserFactory
from tests.scoring.factories_feedback import feedback_world

pytestmark = pytest.mark.django_db(transaction=True)


def world(released=False):
    secretariat = UserFactory(roles=["secretariat"])
    built = feedback_world(visit_date=datetime.date(2026, 6, 9), secretariat=secretariat)
    if released:
        release_feedback(built.team_sheet, secretariat)
    return built


@pytest.mark.parametrize("name", ["detail", "detail-scores", "release", "release_round"])
def test_staff_feedback_pages_are_accessible(page, live_server, name):
    built = world()
    sign_in_verified(page, live_server, built.secretariat)
    pk = built.team_sheet.pk
    path, shows = {
        "detail": (reverse("scoring:feedback.detail", args=[pk]),
                   ["[data-testid=feedback-scores]", "[data-testid=feedback-item]"]),
        "detail-scores": (reverse("scoring:feedback.detail", args=[pk]) + "?scores=1",
                          ["[data-testid=feedback-item]"]),
        "release": (reverse("scoring:feedback.release", args=[pk]),
                    ["[data-testid=release-form]"]),
        "release_round": (reverse("scoring:feedback.release_round", args=[built.round.pk]),
                          ["[data-testid=release-table]"]),
    }[name]
    assert_accessible(page, path, shows=shows)


def test_the_steering_committee_reads_an_accessible_report(page, live_server, sign_in):
    built = world()
    sign_in(page, UserFactory(roles=["steering"]))
    assert_accessible(page, reverse("scoring:feedback.detail", args=[built.team_sheet.pk]),
                      shows=["[data-testid=feedback-findings]"])


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_portal_report_is_accessible(page, phone_page, live_server, sign_in, size):
    target = page if size == "desktop" else phone_page
    built = world(released=True)
    sign_in(target, built.coordinator)
    assert_accessible(target, reverse("portal:application.feedback",
                                      args=[built.application.pk]),
                      shows=["[data-testid=feedback-scores]", "[data-testid=feedback-item]"])


def test_the_portal_application_page_with_the_card_is_accessible(page, live_server, sign_in):
    built = world(released=True)
    sign_in(page, built.coordinator)
    assert_accessible(page, reverse("portal:application.detail", args=[built.application.pk]),
                      shows=["[data-testid=feedback-card]"])
