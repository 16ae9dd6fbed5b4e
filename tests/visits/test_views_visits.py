"""The itinerary pages: who may see and change what, the pages in Thai, the forms with bad
input, "plan all", the member's schedule, the coordinator's visit card and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gecc.visits.domain import confirm_itinerary, plan_itinerary
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Itinerary, Visit
from tests.applications.factories import make_round
from tests.conftest import sign_in
from tests.visits.factories import make_unit, team_with_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, login_as):
    login_as("secretariat")
    return client


@pytest.fixture
def planned(round_obj, secretariat, coordinator):
    team, applications = team_with_units(round_obj, count=2, coordinator=coordinator)
    return plan_itinerary(team, secretariat), applications


def status(client, user, url, method="get"):
    client.logout()
    if user is not None:
        sign_in(client, user)
    return getattr(client, method)(url).status_code


def test_list_page_shows_each_team_in_thai(staff_client, planned, round_obj):
    itinerary, _apps = planned
    team_with_units(round_obj, count=1, number=6)  # not planned yet
    response = staff_client.get(reverse("visits:itinerary.list"), {"round": round_obj.year})
    html = response.content.decode()
    assert response.status_code == 200
    assert "กำหนดการตรวจประเมิน" in html
    assert html.count('data-testid="team-row"') == 2
    assert "ยังไม่ได้จัด" in html and "ร่าง" in html
    filtered = staff_client.get(reverse("visits:itinerary.list"),
                                {"round": round_obj.year, "state": "unplanned"})
    assert filtered.content.decode().count('data-testid="team-row"') == 1


def test_list_empty_state(staff_client):
    html = staff_client.get(reverse("visits:itinerary.list")).content.decode()
    assert 'data-testid="empty-state"' in html


def test_plan_all_plans_the_teams_and_names_the_ones_that_cannot(staff_client, round_obj):
    team, _apps = team_with_units(round_obj, count=2)
    blocked, _ = team_with_units(round_obj, count=1, number=6)
    from tests.visits.factories import assign

    assign(blocked, make_unit(None, name_th="หน่วยไร้พิกัด"))
    response = staff_client.post(reverse("visits:itinerary.plan_all",
                                         kwargs={"year": round_obj.year}), follow=True)
    html = response.content.decode()
    assert Itinerary.objects.filter(subcommittee=team).exists()
    assert not Itinerary.objects.filter(subcommittee=blocked).exists()
    assert "หน่วยไร้พิกัด" in html


def test_detail_page_has_days_route_and_forms(staff_client, planned):
    itinerary, applications = planned
    response = staff_client.get(itinerary.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "กำหนดการของ คณะที่ 5" in html
    assert "วันที่ 1 · 8 มิถุนายน 2569" in html
    assert html.count('data-testid="stop-row"') == 2
    assert "<svg" in html and "<title id=\"route-title-" in html and "<desc" in html
    assert 'class="route-stop"' in html
    assert "บันทึกที่พักคืนนี้" in html
    for application in applications:
        assert application.unit.name_th in html


def test_plan_view_refusal_is_shown_in_thai(staff_client, round_obj):
    team, _apps = team_with_units(round_obj, count=1)
    team.visit_dates = []
    team.save()
    response = staff_client.post(reverse("visits:itinerary.plan", kwargs={"team_pk": team.pk}),
                                 follow=True)
    assert "ยังไม่มีวันตรวจประเมิน" in response.content.decode()


def test_fix_form_with_bad_input_keeps_the_page_with_the_reason(staff_client, planned):
    itinerary, applications = planned
    visit = Visit.objects.get(application=applications[0])
    url = reverse("visits:visit.fix", kwargs={"pk": visit.pk})
    day = itinerary.days.first()
    response = staff_client.post(url, {"day": day.pk, "order": 0})
    assert response.status_code == 400
    response = staff_client.post(url, {"day": 999999, "order": 1})
    assert response.status_code == 400
    response = staff_client.post(url, {"day": day.pk, "order": 4})
    assert response.status_code == 400
    assert "ไม่สามารถกำหนดให้ตรวจประเมินในวันและลำดับนั้นได้" in response.content.decode()
    visit.refresh_from_db()
    assert not visit.fixed


def test_fix_duration_and_window_forms_work(staff_client, planned):
    itinerary, applications = planned
    visit = Visit.objects.get(application=applications[0])
    day = itinerary.days.order_by("date").last()
    response = staff_client.post(reverse("visits:visit.fix", kwargs={"pk": visit.pk}),
                                 {"day": day.pk, "order": 1})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.fixed and visit.day_id == day.pk
    response = staff_client.post(reverse("visits:visit.duration", kwargs={"pk": visit.pk}),
                                 {"minutes": 60})
    assert response.status_code == 302
    response = staff_client.post(reverse("visits:unit.window", kwargs={"pk": visit.pk}),
                                 {"start": "10:00", "end": "09:00"})
    assert response.status_code == 400
    assert "เวลาสิ้นสุดที่รับการตรวจประเมินต้องอยู่หลังเวลาเริ่ม" in response.content.decode()
    edit = staff_client.get(reverse("visits:visit.edit", kwargs={"pk": visit.pk}))
    assert edit.status_code == 200 and "กำหนดวันและลำดับเอง" in edit.content.decode()


def test_hotel_form_with_a_point_abroad_is_refused(staff_client, planned):
    itinerary, _apps = planned
    day = itinerary.days.first()
    response = staff_client.post(reverse("visits:day.hotel", kwargs={"pk": day.pk}), {
        f"hotel-{day.pk}-label": "โรงแรม", f"hotel-{day.pk}-latitude": "48.85",
        f"hotel-{day.pk}-longitude": "2.35"})
    assert response.status_code == 400
    day.refresh_from_db()
    assert day.hotel_label == ""


def test_confirm_page_then_confirm(staff_client, planned):
    itinerary, _apps = planned
    url = reverse("visits:itinerary.confirm", kwargs={"pk": itinerary.pk})
    page = staff_client.get(url).content.decode()
    assert "ยืนยันและส่ง" in page
    response = staff_client.post(url)
    assert response.status_code == 302
    itinerary.refresh_from_db()
    assert itinerary.state == ItineraryState.CONFIRMED


def test_confirm_page_lists_the_problems(staff_client, round_obj, secretariat):
    team, _apps = team_with_units(round_obj, count=3, days=1, per_day=2)
    itinerary = plan_itinerary(team, secretariat)
    url = reverse("visits:itinerary.confirm", kwargs={"pk": itinerary.pk})
    page = staff_client.get(url).content.decode()
    assert 'data-testid="confirm-problems"' in page and "ยืนยันและส่ง" not in page
    assert staff_client.post(url).status_code == 400


def test_permissions_per_role(client, planned, make_user, round_obj, secretariat, coordinator):
    itinerary, applications = planned
    member = itinerary.subcommittee.members.first().user
    other_team, _ = team_with_units(round_obj, count=1, number=6)
    outsider = other_team.members.first().user
    visit = Visit.objects.get(application=applications[0])
    detail = itinerary.get_absolute_url()
    urls = {"list": reverse("visits:itinerary.list"),
            "edit": reverse("visits:visit.edit", kwargs={"pk": visit.pk}),
            "confirm": reverse("visits:itinerary.confirm", kwargs={"pk": itinerary.pk}),
            "mine": reverse("visits:schedule.mine")}
    # Draft: only the secretariat sees it.
    assert status(client, member, detail) == 404
    assert status(client, None, detail) == 302
    assert status(client, coordinator, detail) == 403
    confirm_itinerary(itinerary, secretariat)
    assert status(client, member, detail) == 200
    assert status(client, outsider, detail) == 404
    assert status(client, make_user("steering"), detail) == 404
    for name in ("list", "edit", "confirm"):
        assert status(client, member, urls[name]) == 403, name
        assert status(client, coordinator, urls[name]) == 403, name
    plan = reverse("visits:itinerary.plan", kwargs={"team_pk": itinerary.subcommittee_id})
    assert status(client, member, plan, "post") == 403
    assert status(client, member, urls["mine"]) == 200
    assert status(client, coordinator, urls["mine"]) == 403
    # A member reads the itinerary without the secretariat's forms.
    sign_in(client, member)
    html = client.get(detail).content.decode()
    assert "บันทึกที่พักคืนนี้" not in html and 'data-testid="replan"' not in html


def test_my_schedule_lists_confirmed_visits_and_the_feed(client, planned, secretariat):
    itinerary, applications = planned
    member = itinerary.subcommittee.members.first().user
    sign_in(client, member)
    html = client.get(reverse("visits:schedule.mine")).content.decode()
    assert 'data-testid="empty-state"' in html
    confirm_itinerary(itinerary, secretariat)
    html = client.get(reverse("visits:schedule.mine")).content.decode()
    assert html.count('data-testid="schedule-row"') == 2
    for visit in Visit.objects.select_related("day"):
        assert f"{visit.day.date.day} มิถุนายน 2569" in html
    assert "/staff/visits/feed/" in html and "webcal://" in html


def test_the_coordinator_sees_the_visit_card_once_confirmed(client, planned, secretariat,
                                                            coordinator):
    itinerary, applications = planned
    sign_in(client, coordinator)
    url = reverse("portal:application.detail", kwargs={"pk": applications[0].pk})
    assert 'data-testid="visit-card"' not in client.get(url).content.decode()
    confirm_itinerary(itinerary, secretariat)
    html = client.get(url).content.decode()
    visit = Visit.objects.select_related("day").get(application=applications[0])
    assert 'data-testid="visit-card"' in html
    assert "8 มิถุนายน 2569" in html or "9 มิถุนายน 2569" in html
    assert f"{visit.start_at:%H:%M}–{visit.end_at:%H:%M}" in html
    assert reverse("visits:visit.ics", kwargs={"pk": visit.pk}) in html


def detail_queries(client, secretariat, count, year):
    round_obj = make_round(secretariat, year=year)
    team, _apps = team_with_units(round_obj, count=count, days=2, per_day=2)
    itinerary = plan_itinerary(team, secretariat)
    url = itinerary.get_absolute_url()
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="stop-row"') == count
    return len(queries)


def test_itinerary_page_query_count_is_constant(staff_client, secretariat):
    one = detail_queries(staff_client, secretariat, 1, 2570)
    three = detail_queries(staff_client, secretariat, 3, 2571)
    assert one == three, (one, three)
    assert one <= 16, one


def test_list_page_query_count_is_constant(staff_client, secretariat):
    counts = []
    for teams, year in ((1, 2572), (3, 2573)):
        round_obj = make_round(secretariat, year=year)
        for number in range(teams):
            team, _ = team_with_units(round_obj, count=1, number=number + 1)
            plan_itinerary(team, secretariat)
        url = reverse("visits:itinerary.list") + f"?round={year}"
        staff_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(url)
        assert response.content.decode().count('data-testid="team-row"') == teams
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
