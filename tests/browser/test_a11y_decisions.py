"""The steering-committee meeting and decision pages pass axe-core's WCAG 2.1 A/AA rules:
the meeting list, the meeting form, the meeting page with applications to decide, bulk
approval and its confirmation, the closing confirmation, the decision form (also with an
error), the decision page with its history and the correction form and its confirmation;
the steering committee's view of the meeting page, and the meeting page on a phone."""

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import assert_accessible, axe_violations
from tests.browser.test_desk_review import sign_in_verified
from tests.decisions.builders import (
    NO_LEVEL,
    decided,
    decision_round,
    locked_application,
    open_meeting,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def world():
    round_obj = decision_round(secretariat=UserFactory(roles=["secretariat"]))
    meeting = open_meeting(round_obj, attendees="นายสมชาย ใจดี ประธาน\nนางสมศรี มีสุข กรรมการ")
    locked_application(round_obj, NO_LEVEL)
    final = decided(locked_application(round_obj), reason="")
    return round_obj, meeting, final


@pytest.mark.parametrize("name", ["list", "create", "detail", "update", "approve", "close",
                                  "record", "decision", "correct"])
def test_meeting_pages_are_accessible(page, live_server, name):
    round_obj, meeting, final = world()
    from gecc.decisions.domain.decisions import record_decision

    record_decision(round_obj.first_application, meeting, None, outcome="certify")
    sign_in_verified(page, live_server, round_obj.secretariat)
    path, shows = {
        "list": (reverse("decisions:meeting.list", args=[round_obj.pk]),
                 ["[data-testid=meeting-table]"]),
        "create": (reverse("decisions:meeting.create", args=[round_obj.pk]),
                   ["[data-testid=meeting-form]"]),
        "detail": (reverse("decisions:meeting.detail", args=[meeting.pk]),
                   ["[data-testid=decide-table]"]),
        "update": (reverse("decisions:meeting.update", args=[meeting.pk]),
                   ["[data-testid=meeting-form]"]),
        "approve": (reverse("decisions:meeting.approve", args=[meeting.pk]),
                    ["[data-testid=approve-table]"]),
        "close": (reverse("decisions:meeting.close", args=[meeting.pk]),
                  ["[data-testid=close-table]"]),
        "record": (reverse("decisions:decision.record",
                           args=[meeting.pk, round_obj.first_application.pk]),
                   ["[data-testid=decision-form]"]),
        "decision": (reverse("decisions:decision.detail", args=[final.pk]),
                     ["[data-testid=decision-record]"]),
        "correct": (reverse("decisions:decision.correct", args=[final.pk]),
                    ["[data-testid=correct-form]"]),
    }[name]
    assert_accessible(page, path, shows=shows)


def assert_no_violations(page):
    violations = axe_violations(page)
    assert violations == [], violations


def test_confirmation_and_error_pages_are_accessible(page, live_server):
    round_obj, meeting, final = world()
    sign_in_verified(page, live_server, round_obj.secretariat)
    # the decision form with an error (another level without a reason)
    page.goto(live_server.url + reverse("decisions:decision.record",
                                        args=[meeting.pk, round_obj.first_application.pk]))
    page.select_option("#id_level", "excellence")
    page.click("[data-testid=save]")
    page.locator(".errorlist").first.wait_for()
    assert_no_violations(page)
    # bulk approval: the confirmation page
    page.goto(live_server.url + reverse("decisions:meeting.approve", args=[meeting.pk]))
    page.click("[data-testid=review]")
    page.locator("[data-testid=approve-confirm-form]").wait_for()
    assert_no_violations(page)
    # the correction's confirmation page
    page.goto(live_server.url + reverse("decisions:decision.correct", args=[final.pk]))
    page.select_option("#id_level", "basic")
    page.fill("#id_reason", "บันทึกระดับผิด")
    page.click("[data-testid=review]")
    page.locator("[data-testid=correct-confirm-form]").wait_for()
    assert_no_violations(page)


def test_the_steering_committee_reads_an_accessible_meeting(page, live_server, sign_in):
    round_obj, meeting, _ = world()
    sign_in(page, UserFactory(roles=["steering"]))
    assert_accessible(page, reverse("decisions:meeting.detail", args=[meeting.pk]),
                      shows=["[data-testid=decide-table]"])


def test_the_meeting_page_is_accessible_on_a_phone(phone_page, live_server, sign_in):
    round_obj, meeting, _ = world()
    sign_in(phone_page, UserFactory(roles=["steering"]))
    assert_accessible(phone_page, reverse("decisions:meeting.detail", args=[meeting.pk]),
                      shows=["[data-testid=decide-table]"])
