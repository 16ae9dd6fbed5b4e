"""Visits as calendars: the .ics of one visit and the member's feed at a secret address
parse back with icalendar, with Bangkok times, a stable UID and a growing SEQUENCE."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from gecc.visits.domain import (
    confirm_itinerary,
    feed_token,
    member_feed,
    plan_itinerary,
    set_visit_duration,
    user_for_token,
    visit_ics,
)
from gecc.visits.domain.calendar import BadFeedToken
from gecc.visits.models import Visit
from tests.visits.factories import team_with_units

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def confirmed(round_obj, secretariat, coordinator):
    team, applications = team_with_units(round_obj, count=2, days=2, per_day=1,
                                         coordinator=coordinator)
    itinerary = plan_itinerary(team, secretariat)
    confirm_itinerary(itinerary, secretariat)
    return team, applications


def events(data):
    calendar = icalendar.Calendar.from_ical(data)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_visit_ics_has_the_visit_in_bangkok_time_with_a_stable_uid(confirmed):
    team, applications = confirmed
    visit = Visit.objects.select_related("day", "application__unit").get(
        application=applications[0])
    calendar, (event,) = events(visit_ics(visit))

    assert str(event["uid"]) == f"visit-{visit.pk}@testserver"
    start = event.decoded("dtstart")
    assert start == datetime.datetime.combine(visit.day.date, visit.start_at, tzinfo=BANGKOK)
    assert start.utcoffset() == datetime.timedelta(hours=7)
    assert event.decoded("dtend") == datetime.datetime.combine(visit.day.date, visit.end_at,
                                                               tzinfo=BANGKOK)
    assert str(event["summary"]) == f"ตรวจประเมินศูนย์ราชการสะดวก: {visit.application.unit.name_th}"
    assert "จ.ลำพูน" in str(event["location"])
    assert "คณะที่ 5" in str(event["description"])
    assert f"หน่วยที่ {visit.number}" in str(event["description"])
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Bangkok"]
    assert b"TZID=Asia/Bangkok" in visit_ics(visit)


def test_sequence_grows_and_uid_stays_when_the_visit_changes(confirmed, secretariat):
    _team, applications = confirmed
    visit = Visit.objects.get(application=applications[0])
    _cal, (before,) = events(visit_ics(visit))
    set_visit_duration(visit, 150, secretariat)
    _cal, (after,) = events(visit_ics(visit))
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtend") - after.decoded("dtstart") == datetime.timedelta(minutes=150)


def test_member_feed_lists_the_confirmed_visits_of_the_member_teams(confirmed, round_obj,
                                                                   secretariat):
    team, applications = confirmed
    member = team.members.select_related("user").first().user
    other, _ = team_with_units(round_obj, count=1, number=6)
    plan_itinerary(other, secretariat)  # draft: not in anyone's feed
    _cal, found = events(member_feed(member))
    assert sorted(str(e["uid"]) for e in found) == sorted(
        f"visit-{v.pk}@testserver" for v in Visit.objects.filter(itinerary__subcommittee=team))
    outsider = other.members.first().user
    _cal, found = events(member_feed(outsider))
    assert found == []


def test_feed_by_token_works_without_signing_in(client, confirmed):
    team, _apps = confirmed
    member = team.members.select_related("user").first().user
    url = reverse("visits:schedule.feed", kwargs={"token": feed_token(member)})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    _cal, found = events(response.content)
    assert len(found) == 2
    assert feed_token(member) == feed_token(member)  # the same address every time


@pytest.mark.parametrize("token", ["nonsense", "WzEsImFiYyJd:forged-signature", ""])
def test_feed_refuses_a_bad_token(client, confirmed, token):
    if not token:
        with pytest.raises(BadFeedToken):
            user_for_token(token)
        return
    response = client.get(reverse("visits:schedule.feed", kwargs={"token": token}))
    assert response.status_code == 404


def test_feed_token_is_revoked_by_a_new_password_or_deactivation(client, confirmed):
    team, _apps = confirmed
    member = team.members.select_related("user").first().user
    token = feed_token(member)
    assert user_for_token(token) == member
    member.set_password("a-new-long-password-2569")
    member.save()
    with pytest.raises(BadFeedToken):
        user_for_token(token)
    token = feed_token(member)
    member.is_active = False
    member.save()
    response = client.get(reverse("visits:schedule.feed", kwargs={"token": token}))
    assert response.status_code == 404


def test_visit_ics_download_for_each_role(client, confirmed, coordinator, make_user,
                                          round_obj, secretariat):
    team, applications = confirmed
    visit = Visit.objects.get(application=applications[0])
    url = reverse("visits:visit.ics", kwargs={"pk": visit.pk})
    assert client.get(url).status_code == 302  # anonymous: sign in first

    member = team.members.first().user
    other, _ = team_with_units(round_obj, count=1, number=6)
    confirm_itinerary(plan_itinerary(other, secretariat), secretariat)
    cases = [(coordinator, 200), (make_user("coordinator"), 404), (member, 200),
             (other.members.first().user, 404), (make_user("steering"), 404)]
    for user, status in cases:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, (user, status)
        if status == 200:
            assert response["Content-Type"] == "text/calendar; charset=utf-8"
            assert "attachment" in response["Content-Disposition"]


def test_no_calendar_before_the_itinerary_is_confirmed(client, round_obj, secretariat,
                                                       coordinator):
    team, applications = team_with_units(round_obj, count=1, coordinator=coordinator)
    plan_itinerary(team, secretariat)
    visit = Visit.objects.get(application=applications[0])
    client.force_login(coordinator)
    assert client.get(reverse("visits:visit.ics", kwargs={"pk": visit.pk})).status_code == 404
