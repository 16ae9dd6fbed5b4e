"""Confirming an itinerary and telling people (issue point 6): the units' coordinators get
their date (Buddhist era) and a calendar link, each member the whole schedule; a later
change tells only the people whose visit changed."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gecc.audit.models import AuditEntry
from gecc.committees.models import Assignment
from gecc.notifications.models import OutboxMessage
from gecc.visits.domain import confirm_itinerary, plan_itinerary, set_visit_duration
from gecc.visits.domain.notices import signature
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Visit
from tests.factories import UserFactory
from tests.visits.factories import LAMPHUN, assign, make_unit, near, team_with_units

pytestmark = pytest.mark.django_db


def coordinated_team(round_obj, *, count=3, days=3, per_day=1, number=5):
    """A team whose units each have their own coordinator (to tell who was told what)."""
    team, applications = team_with_units(round_obj, count=count, days=days, per_day=per_day,
                                         number=number)
    for index, application in enumerate(applications):
        coordinator = UserFactory(roles=["coordinator"],
                                  email=f"coordinator{number}-{index}@unit.go.th")
        application.unit.coordinators.set([coordinator])
    return team, applications


def coordinator_email(application):
    return application.unit.coordinators.get().email


def messages(event):
    return list(OutboxMessage.objects.filter(event=event).order_by("pk"))


def signatures(team):
    return {v.application_id: signature(v, team.pk)
            for v in Visit.objects.filter(itinerary__subcommittee=team).select_related("day")}


def test_confirm_tells_each_coordinator_their_date_and_each_member_the_schedule(
        round_obj, secretariat):
    team, applications = coordinated_team(round_obj)
    itinerary = plan_itinerary(team, secretariat)
    confirm_itinerary(itinerary, secretariat)

    itinerary.refresh_from_db()
    assert itinerary.state == ItineraryState.CONFIRMED
    assert itinerary.confirmed_by == secretariat and itinerary.confirmed_at is not None
    scheduled = messages("visit.scheduled")
    assert len(scheduled) == 3
    for application in applications:
        visit = Visit.objects.select_related("day").get(application=application)
        message = next(m for m in scheduled if coordinator_email(application) in m.to)
        thai, english = message.body_text.split("-" * 60)
        be_date = f"{visit.day.date.day} มิถุนายน 2569"
        assert be_date in thai and "2026" not in thai
        assert f"{visit.start_at:%H:%M}–{visit.end_at:%H:%M}" in thai
        assert "คณะที่ 5" in thai
        assert "นายประธาน คณะที่5 (ประธาน" in thai  # members with their positions
        assert f"http://testserver/staff/visits/visits/{visit.pk}/calendar.ics" in thai
        assert f"http://testserver/portal/applications/{application.pk}/" in thai
        assert be_date in message.subject
        assert visit.notified_signature == signature(visit, team.pk)
    members = messages("itinerary.confirmed")
    assert len(members) == 2  # one message per member
    assert all(len(m.to) == 1 for m in members)
    body = members[0].body_text
    assert "http://testserver/staff/visits/my-schedule/" in body
    assert "http://testserver/staff/visits/feed/" in body
    for application in applications:
        assert application.unit.name_th in body
    assert AuditEntry.objects.filter(action="visit.scheduled").count() == 3
    entry = AuditEntry.objects.get(action="itinerary.confirmed")
    assert entry.data["unit_messages"] == 3 and entry.data["member_messages"] == 2


def test_confirm_is_refused_while_visits_are_not_placed(round_obj, secretariat):
    team, applications = team_with_units(round_obj, count=3, days=1, per_day=2)
    itinerary = plan_itinerary(team, secretariat)
    dropped = Visit.objects.get(itinerary=itinerary, day__isnull=True)
    with pytest.raises(ValidationError) as error:
        confirm_itinerary(itinerary, secretariat)
    text = " ".join(error.value.messages)
    assert dropped.application.unit.name_th in text
    assert dropped.dropped_reason in text
    assert "จัดลงกำหนดการไม่ได้" in text
    itinerary.refresh_from_db()
    assert itinerary.state == ItineraryState.DRAFT
    assert not OutboxMessage.objects.exists()
    assert not AuditEntry.objects.filter(action="itinerary.confirmed").exists()


def test_confirm_twice_or_after_the_assignment_changed_is_refused(round_obj, secretariat):
    team, _apps = team_with_units(round_obj, count=2)
    itinerary = plan_itinerary(team, secretariat)
    assign(team, make_unit(near(LAMPHUN, 4)))  # a new unit since the plan
    with pytest.raises(ValidationError) as error:
        confirm_itinerary(itinerary, secretariat)
    assert "จัดกำหนดการใหม่ก่อน" in " ".join(error.value.messages)
    itinerary = plan_itinerary(team, secretariat)
    confirm_itinerary(itinerary, secretariat)
    with pytest.raises(ValidationError) as error:
        confirm_itinerary(itinerary, secretariat)
    assert "ยืนยันแล้ว" in error.value.messages[0]


def test_a_later_change_tells_only_the_people_whose_visit_changed(round_obj, secretariat):
    team, applications = coordinated_team(round_obj, count=3, days=3, per_day=1)
    itinerary = plan_itinerary(team, secretariat)
    confirm_itinerary(itinerary, secretariat)
    before = signatures(team)
    OutboxMessage.objects.all().delete()

    plan_itinerary(team, secretariat)  # nothing changed: nobody is told
    assert signatures(team) == before
    assert not OutboxMessage.objects.exists()

    target = Visit.objects.get(application=applications[1])
    set_visit_duration(target, 150, secretariat)
    itinerary.refresh_from_db()
    assert itinerary.state == ItineraryState.CONFIRMED  # stays confirmed
    after = signatures(team)
    changed = {app_id for app_id in after if after[app_id] != before[app_id]}
    assert applications[1].pk in changed
    assert len(changed) < len(applications)

    unit_messages = [m for m in messages("visit.changed") if m.content_type.model == "visit"]
    told = {address for m in unit_messages for address in m.to if address.startswith("coord")}
    assert told == {coordinator_email(a) for a in applications if a.pk in changed}
    message = next(m for m in unit_messages if coordinator_email(applications[1]) in m.to)
    assert "เดิม:" in message.body_text and "ใหม่:" in message.body_text
    member_messages = [m for m in messages("visit.changed") if m.content_type.model == "itinerary"]
    assert len(member_messages) == 2
    assert applications[1].unit.name_th in member_messages[0].body_text
    assert not messages("visit.scheduled")
    assert AuditEntry.objects.filter(action="visit.changed").count() == len(changed)


def test_a_visit_moved_to_another_team_tells_the_unit_and_both_teams(round_obj, secretariat):
    first, first_apps = coordinated_team(round_obj, count=2, days=2, per_day=2, number=5)
    second, _ = coordinated_team(round_obj, count=1, days=2, per_day=2, number=6)
    confirm_itinerary(plan_itinerary(first, secretariat), secretariat)
    confirm_itinerary(plan_itinerary(second, secretariat), secretariat)
    OutboxMessage.objects.all().delete()
    moved = first_apps[0]
    Assignment.objects.filter(application=moved).update(subcommittee=second)

    plan_itinerary(second, secretariat)

    visit = Visit.objects.get(application=moved)
    assert visit.itinerary.subcommittee_id == second.pk
    unit_message = next(m for m in messages("visit.changed")
                        if coordinator_email(moved) in m.to)
    assert "คณะที่ 5" in unit_message.body_text and "คณะที่ 6" in unit_message.body_text
    member_mail = [m for m in messages("visit.changed") if m.content_type.model == "itinerary"]
    first_members = set(first.members.values_list("user__email", flat=True))
    second_members = set(second.members.values_list("user__email", flat=True))
    told = {address for m in member_mail for address in m.to}
    assert first_members <= told and second_members <= told
    removed = next(m for m in member_mail if m.to[0] in first_members)
    assert "ไม่อยู่ในกำหนดการนี้แล้ว" in removed.body_text


def test_the_visit_date_in_the_coordinator_mail_is_buddhist_era_in_both_languages(
        round_obj, secretariat):
    team, applications = coordinated_team(round_obj, count=1, days=1)
    confirm_itinerary(plan_itinerary(team, secretariat), secretariat)
    message = messages("visit.scheduled")[0]
    assert "8 มิถุนายน 2569" in message.body_text
    assert "8 June 2569 BE" in message.body_text
    assert datetime.date(2026, 6, 8).isoformat() not in message.body_text


def test_the_coordinator_mail_carries_the_visit_as_an_ics_attachment(round_obj, secretariat):
    from icalendar import Calendar

    from gecc.notifications.domain.sending import build_email

    team, applications = coordinated_team(round_obj, count=1)
    confirm_itinerary(plan_itinerary(team, secretariat), secretariat)
    message = messages("visit.scheduled")[0]
    visit = Visit.objects.select_related("day").get(application=applications[0])
    assert [a["filename"] for a in message.attachments] == [f"gecc-visit-{visit.pk}.ics"]
    sent = build_email(message)  # what the sending task hands to the mail backend
    filename, content, mimetype = sent.attachments[0]
    assert filename == f"gecc-visit-{visit.pk}.ics" and mimetype.startswith("text/calendar")
    event = next(c for c in Calendar.from_ical(content).walk("VEVENT"))
    assert event["summary"].endswith(applications[0].unit.name_th)
    start = event.decoded("dtstart")
    assert (start.date(), start.time()) == (visit.day.date, visit.start_at)
