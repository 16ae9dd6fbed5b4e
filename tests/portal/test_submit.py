import datetime

import pytest
from django.urls import reverse

from gecc.applications.domain import return_for_correction
from gecc.applications.models import Application
from tests.applications.factories import CLOSE_AT, answer_all

pytestmark = pytest.mark.django_db


def submit_url(application):
    return reverse("portal:application.submit", kwargs={"pk": application.pk})


def state_of(application):
    return Application.objects.get(pk=application.pk).state


def test_submit_page_lists_what_will_be_sent(coordinator_client, application):
    answer_all(application)
    response = coordinator_client.get(submit_url(application))
    assert response.status_code == 200
    assert response.context["missing"] == []
    assert [(p.category.ref, p.answered, p.total) for p in response.context["progress"]] == [
        ("P", 2, 2), ("Q", 1, 1)]


def test_submit_with_a_mandatory_item_unanswered_lists_it(coordinator_client, application):
    response = coordinator_client.post(submit_url(application))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="submit-errors"' in body
    assert [entry.ref for entry in response.context["missing"]] == ["P1.1", "P1.2", "Q1.1"]
    anchor = reverse("portal:application.assessment", kwargs={"pk": application.pk})
    # Each missing item links straight to its category's page, at the item.
    assert f'href="{anchor}?category=P#item-P1.1"' in body
    assert f'href="{anchor}?category=Q#item-Q1.1"' in body
    assert state_of(application) == "draft"


def test_submit_in_time_sends_the_application(coordinator_client, application):
    answer_all(application)
    response = coordinator_client.post(submit_url(application))
    assert response.status_code == 302
    assert response.url == reverse("portal:application.detail", kwargs={"pk": application.pk})
    assert state_of(application) == "submitted"


def test_submit_one_second_after_the_close_is_refused(coordinator_client, coordinator,
                                                      application, clock):
    answer_all(application)
    clock.now = CLOSE_AT + datetime.timedelta(seconds=1)
    coordinator_client.force_login(coordinator)  # a session of the new "now"
    response = coordinator_client.post(submit_url(application), follow=True)
    assert response.redirect_chain == [
        (reverse("portal:application.detail", kwargs={"pk": application.pk}), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "ปิดรับใบสมัครแล้ว ใบสมัครนี้ไม่สามารถแก้ไขหรือยื่นได้อีก"]
    assert state_of(application) == "draft"


def test_submit_one_second_before_the_close_is_accepted(coordinator_client, coordinator,
                                                        application, clock):
    answer_all(application)
    clock.now = CLOSE_AT - datetime.timedelta(seconds=1)
    coordinator_client.force_login(coordinator)
    coordinator_client.post(submit_url(application))
    assert state_of(application) == "submitted"


def test_returned_application_is_resubmitted_through_the_same_button(
        coordinator_client, application, coordinator, secretariat, clock):
    answer_all(application)
    coordinator_client.post(submit_url(application))
    deadline = (clock.now + datetime.timedelta(days=60)).date()
    return_for_correction(application, secretariat, deadline, ["แนบภาพถ่ายลานจอดรถ"])
    detail = coordinator_client.get(reverse("portal:application.detail",
                                            kwargs={"pk": application.pk}))
    body = detail.content.decode()
    assert 'data-testid="returned-notice"' in body
    assert "แนบภาพถ่ายลานจอดรถ" in body
    response = coordinator_client.post(submit_url(application))
    assert response.status_code == 302
    assert state_of(application) == "resubmitted"


def test_submit_of_a_sent_application_is_refused(coordinator_client, application):
    answer_all(application)
    coordinator_client.post(submit_url(application))
    response = coordinator_client.post(submit_url(application))
    assert response.status_code == 302
    assert state_of(application) == "submitted"


def test_withdraw_asks_then_withdraws(coordinator_client, application):
    url = reverse("portal:application.withdraw", kwargs={"pk": application.pk})
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert state_of(application) == "draft"
    response = coordinator_client.post(url, {"reason": "หน่วยงานย้ายที่ทำการ"})
    assert response.status_code == 302
    stored = Application.objects.get(pk=application.pk)
    assert (stored.state, stored.withdrawal_reason) == ("withdrawn", "หน่วยงานย้ายที่ทำการ")
    assert coordinator_client.post(url).status_code == 403
