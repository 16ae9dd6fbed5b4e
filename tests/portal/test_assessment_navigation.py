"""The self-assessment one category at a time: the index, old item links, the folded missing
list, and a renewal's "confirm all unchanged"."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from gecc.applications.models import Answer, Application
from gecc.audit.models import AuditEntry
from tests.applications.factories import DURING, answer_all, make_application, make_round
from tests.certificates.lifecycle_factories import certify

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(application, query=""):
    return reverse("portal:application.assessment", kwargs={"pk": application.pk}) + query


def confirm_all_url(application):
    return reverse("portal:application.confirm_all", kwargs={"pk": application.pk})


def cards(body):
    return re.findall(r'<article class="answer-card[^"]*" id="answer-\d+" '
                      r'data-testid="answer-([\w.]+)"', body)


def current_tabs(body):
    return re.findall(r'aria-current="page" data-testid="category-(\w+)"', body)


def test_the_page_shows_the_first_category_with_the_index(coordinator_client, application):
    response = coordinator_client.get(page_url(application))
    body = response.content.decode()
    assert response.status_code == 200
    assert cards(body) == ["P1.1", "P1.2"]
    assert current_tabs(body) == ["P"]
    assert f'href="{page_url(application, "?category=Q")}"' in body
    assert re.findall(r'data-testid="category-count-(\w+)">([^<]+)<', body) == [
        ("P", "ตอบแล้ว 0/2"), ("Q", "ตอบแล้ว 0/1")]
    assert 'data-testid="previous-category"' not in body
    assert re.search(r'rel="next" href="([^"]+)" data-testid="next-category"', body).group(1) \
        == page_url(application, "?category=Q")
    assert '<script src="/static/portal/assessment.js" defer></script>' in body


def test_another_category_is_chosen_in_the_query(coordinator_client, application):
    body = coordinator_client.get(page_url(application, "?category=Q")).content.decode()
    assert cards(body) == ["Q1.1"]
    assert current_tabs(body) == ["Q"]
    assert re.search(r'rel="prev" href="([^"]+)" data-testid="previous-category"', body) \
        .group(1) == page_url(application, "?category=P")
    assert 'data-testid="next-category"' not in body


def test_an_unknown_category_shows_the_first(coordinator_client, application):
    body = coordinator_client.get(page_url(application, "?category=ZZ")).content.decode()
    assert cards(body) == ["P1.1", "P1.2"]
    assert current_tabs(body) == ["P"]


def test_an_item_link_goes_to_its_category_at_its_anchor(coordinator_client, application):
    response = coordinator_client.get(page_url(application, "?item=Q1.1"))
    assert response.status_code == 302
    assert response.url == page_url(application, "?category=Q#item-Q1.1")
    response = coordinator_client.get(page_url(application, "?item=X9.9"))
    assert response.url == page_url(application, "#assessment-items")


def test_the_missing_list_is_folded_with_its_count_and_links_to_categories(coordinator_client,
                                                                          application):
    Answer.objects.filter(application=application, item__ref__in=["P1.1", "P1.2"]).update(
        self_score=1)
    body = coordinator_client.get(page_url(application)).content.decode()
    details = re.search(r'<details class="portal-missing-details"( open)? '
                        r'data-testid="missing-details">', body)
    assert details.group(1) is None  # folded on the self-assessment page
    assert re.search(r'data-testid="missing-count">(\d+)<', body).group(1) == "1"
    assert f'<a href="{page_url(application, "?category=Q#item-Q1.1")}">Q1.1</a>' in body


def test_autosave_marks_the_answers_category_in_the_index(coordinator_client, application):
    answer = Answer.objects.get(application=application, item__ref="Q1.1")
    response = coordinator_client.post(
        reverse("portal:answer.save", kwargs={"pk": answer.pk}),
        {"revision": "0", "score": "3", "explanation": ""}, **HTMX)
    body = response.content.decode()
    assert current_tabs(body) == ["Q"]
    assert re.findall(r'data-testid="category-count-(\w+)">([^<]+)<', body) == [
        ("P", "ตอบแล้ว 0/2"), ("Q", "ตอบแล้ว 1/1")]
    assert 'hx-swap-oob="true" aria-labelledby="assessment-progress-title"' in body


def test_autosave_is_sent_by_the_pages_script_not_on_every_keyup(coordinator_client,
                                                                 application):
    body = coordinator_client.get(page_url(application)).content.decode()
    assert body.count('hx-trigger="change, gecc:save"') == 2
    assert "keyup" not in body


# -- renewal -------------------------------------------------------------------------------

YEAR = datetime.timedelta(days=365)


@pytest.fixture
def renewal(application, coordinator, secretariat, unit, clock, coordinator_client):
    answer_all(application, score=3)
    Application.objects.filter(pk=application.pk).update(state="accepted")
    certify(application)  # the unit holds a certificate of the earlier round
    later = make_round(secretariat, year=2570, **{
        name: value + YEAR for name, value in {
            "applications_open_at": application.round.applications_open_at,
            "applications_close_at": application.round.applications_close_at,
            "desk_review_end_at": application.round.desk_review_end_at,
            "site_visits_start_at": application.round.site_visits_start_at,
            "site_visits_end_at": application.round.site_visits_end_at,
            "decision_at": application.round.decision_at,
            "announcement_at": application.round.announcement_at}.items()})
    clock.now = DURING + YEAR
    coordinator_client.force_login(coordinator)  # a session of the new "now"
    return make_application(later, unit, coordinator, now=DURING + YEAR, kind="renewal")


def test_confirm_all_link_shows_only_with_answers_to_confirm(coordinator_client, application,
                                                             renewal):
    body = coordinator_client.get(page_url(renewal)).content.decode()
    link = re.search(r'href="([^"]+)" data-testid="confirm-all-link">([^<]+)<', body)
    assert link.groups() == (confirm_all_url(renewal), "ยืนยันคำตอบที่ไม่เปลี่ยนแปลงทั้ง 3 ข้อ…")
    body = coordinator_client.get(page_url(application)).content.decode()
    assert 'data-testid="confirm-all-link"' not in body  # accepted: nothing to confirm


def test_confirm_all_lists_what_it_confirms_then_confirms_it(coordinator_client, renewal):
    response = coordinator_client.get(confirm_all_url(renewal))
    body = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<tr data-testid="confirm-all-([\w.]+)"', body) == ["P1.1", "P1.2", "Q1.1"]
    assert re.findall(r'name="expected" value="([^"]+)"', body) == ["P1.1:0", "P1.2:0",
                                                                    "Q1.1:0"]
    response = coordinator_client.post(confirm_all_url(renewal),
                                       {"expected": ["P1.1:0", "P1.2:0", "Q1.1:0"]})
    assert response.status_code == 302
    assert response.url == page_url(renewal)
    assert not Answer.objects.filter(application=renewal, needs_confirmation=True).exists()
    entry = AuditEntry.objects.get(action="application.answers_confirmed")
    assert entry.data["items"] == ["P1.1", "P1.2", "Q1.1"]
    body = coordinator_client.get(response.url).content.decode()
    assert "ยืนยันคำตอบที่ยกมาจากรอบก่อนตามเดิมแล้ว 3 ข้อ" in body
    assert 'data-testid="confirm-all-link"' not in body


def test_confirm_all_from_a_stale_list_is_409_and_confirms_nothing(coordinator_client, renewal):
    Answer.objects.filter(application=renewal, item__ref="P1.2").update(
        revision=1, needs_confirmation=False)  # confirmed in another tab
    response = coordinator_client.post(confirm_all_url(renewal),
                                       {"expected": ["P1.1:0", "P1.2:0", "Q1.1:0"]})
    assert response.status_code == 409
    body = response.content.decode()
    assert "คำตอบบางข้อในรายการถูกแก้ไขหรือยืนยันไปแล้ว" in body
    assert re.findall(r'name="expected" value="([^"]+)"', body) == ["P1.1:0", "Q1.1:0"]
    assert Answer.objects.filter(application=renewal, needs_confirmation=True).count() == 2


def test_confirm_all_is_refused_to_others_and_once_sent(coordinator_client, renewal,
                                                        make_user):
    stranger = Client()
    stranger.force_login(make_user("coordinator"))
    assert stranger.get(confirm_all_url(renewal)).status_code == 404
    assert stranger.post(confirm_all_url(renewal), {"expected": ["P1.1:0"]}).status_code == 404
    Application.objects.filter(pk=renewal.pk).update(state="submitted")
    assert coordinator_client.get(confirm_all_url(renewal)).status_code == 403
    assert coordinator_client.post(confirm_all_url(renewal),
                                   {"expected": ["P1.1:0"]}).status_code == 403
    assert Answer.objects.filter(application=renewal, needs_confirmation=True).count() == 3
