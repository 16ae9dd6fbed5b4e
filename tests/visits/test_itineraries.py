"""Planning a sub-committee's itinerary from its confirmed assignment (issue point 5): feasible
days, running stop numbers, fixed stops kept, refusals that name what to fix with nothing
saved, and visits that cannot be placed reported with their reasons."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gecc.audit.models import AuditEntry
from gecc.committees.enums import AssignmentState
from gecc.visits.domain import (
    confirm_problems,
    fix_visit,
    plan_itinerary,
    set_day_hotel,
    set_itinerary_parameters,
    set_unit_window,
    set_visit_duration,
    unfix_visit,
)
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Itinerary, ItineraryDay, Visit
from tests.visits.factories import (
    LAMPHUN,
    assign,
    make_team,
    make_unit,
    near,
    team_with_units,
)

pytestmark = pytest.mark.django_db


def minutes(value):
    return value.hour * 60 + value.minute


def placed(itinerary):
    return list(itinerary.visits.filter(day__isnull=False)
                .select_related("day", "application__unit").order_by("number"))


def test_plan_gives_feasible_days_with_running_numbers(round_obj, secretariat):
    team, applications = team_with_units(round_obj, count=5, days=2, per_day=3)
    itinerary = plan_itinerary(team, secretariat)

    assert itinerary.state == ItineraryState.DRAFT
    assert itinerary.dropped == {}
    days = list(itinerary.days.order_by("date"))
    assert [d.date for d in days] == [datetime.date(2026, 6, 8), datetime.date(2026, 6, 9)]
    visits = placed(itinerary)
    assert len(visits) == 5
    # Numbers run across the whole itinerary, in day then stop order.
    assert [v.number for v in visits] == [1, 2, 3, 4, 5]
    assert [(v.day.date, v.order) for v in visits] == sorted((v.day.date, v.order)
                                                             for v in visits)
    for day in days:
        day_visits = [v for v in visits if v.day_id == day.pk]
        assert len(day_visits) <= 3  # visits per day
        assert day.leave_at is not None and day.back_at is not None
        assert minutes(day.leave_at) >= 8 * 60 and minutes(day.back_at) <= 17 * 60 + 30
        assert day.lunch_at is not None and 11 * 60 + 30 <= minutes(day.lunch_at) <= 13 * 60 + 30
        lunch = (minutes(day.lunch_at), minutes(day.lunch_at) + 60)
        for visit in day_visits:
            unit = visit.application.unit
            assert unit.visit_window_start <= visit.start_at
            assert visit.end_at <= unit.visit_window_end
            assert minutes(visit.end_at) - minutes(visit.start_at) == 90
            assert visit.arrive_at <= visit.start_at
            # lunch never overlaps a visit
            assert minutes(visit.end_at) <= lunch[0] or minutes(visit.start_at) >= lunch[1]
    assert itinerary.total_travel_minutes == sum(d.travel_minutes for d in days) > 0
    entry = AuditEntry.objects.get(action="itinerary.planned")
    assert entry.data["placed"] == 5


def test_fixed_stop_is_kept_on_re_optimise(round_obj, secretariat):
    team, applications = team_with_units(round_obj, count=4, days=2, per_day=3)
    itinerary = plan_itinerary(team, secretariat)
    second_day = itinerary.days.order_by("date")[1]
    visit = Visit.objects.get(application=applications[0])

    fix_visit(visit, second_day, 2, secretariat)
    visit.refresh_from_db()
    assert visit.fixed and visit.day_id == second_day.pk and visit.order == 2
    plan_itinerary(team, secretariat)  # re-optimise
    visit.refresh_from_db()
    assert (visit.day_id, visit.order, visit.fixed) == (second_day.pk, 2, True)
    assert AuditEntry.objects.filter(action="visit.fixed", object_id=str(visit.pk)).exists()

    unfix_visit(visit, secretariat)
    visit.refresh_from_db()
    assert not visit.fixed and visit.is_placed
    assert AuditEntry.objects.filter(action="visit.unfixed").count() == 1


def test_fixing_where_the_plan_cannot_keep_it_is_refused_and_nothing_saved(round_obj,
                                                                          secretariat):
    team, applications = team_with_units(round_obj, count=2, days=1, per_day=4)
    itinerary = plan_itinerary(team, secretariat)
    day = itinerary.days.get()
    visit = Visit.objects.get(application=applications[0])
    before = (visit.day_id, visit.order, visit.fixed)
    with pytest.raises(ValidationError) as error:
        fix_visit(visit, day, 3, secretariat)  # only two visits: no third stop
    assert error.value.messages[0].startswith(
        "ไม่สามารถกำหนดให้ตรวจประเมินในวันและลำดับนั้นได้: ")
    visit.refresh_from_db()
    assert (visit.day_id, visit.order, visit.fixed) == before
    assert not AuditEntry.objects.filter(action="visit.fixed").exists()


def test_fix_to_a_day_of_another_itinerary_is_refused(round_obj, secretariat):
    team, applications = team_with_units(round_obj, count=1)
    other, _ = team_with_units(round_obj, count=1, number=6)
    plan_itinerary(team, secretariat)
    other_day = plan_itinerary(other, secretariat).days.first()
    visit = Visit.objects.get(application=applications[0])
    with pytest.raises(ValidationError) as error:
        fix_visit(visit, other_day, 1, secretariat)
    assert "day" in error.value.message_dict


def test_unit_without_coordinates_is_refused_naming_the_unit_and_nothing_saved(round_obj,
                                                                              secretariat):
    team, _apps = team_with_units(round_obj, count=2)
    assign(team, make_unit(None, name_th="ศูนย์ราชการสะดวก ไม่มีพิกัด", code="U-NOPOINT"))
    with pytest.raises(ValidationError) as error:
        plan_itinerary(team, secretariat)
    message = " ".join(error.value.messages)
    assert "ศูนย์ราชการสะดวก ไม่มีพิกัด (U-NOPOINT)" in message
    assert "พิกัด" in message
    assert not Itinerary.objects.exists()
    assert not Visit.objects.exists()
    assert not AuditEntry.objects.filter(action="itinerary.planned").exists()


def test_unconfirmed_assignment_is_refused_in_thai(round_obj, secretariat):
    team, _apps = team_with_units(round_obj, count=1)
    assign(team, make_unit(near(LAMPHUN, 3)), state=AssignmentState.PROPOSED)
    with pytest.raises(ValidationError) as error:
        plan_itinerary(team, secretariat)
    assert "ยังไม่ได้รับการยืนยัน" in error.value.messages[0]
    assert not Itinerary.objects.exists()


def test_team_without_units_or_dates_is_refused(round_obj, secretariat):
    empty = make_team(round_obj, 7)
    with pytest.raises(ValidationError) as error:
        plan_itinerary(empty, secretariat)
    assert error.value.code == "nothing_assigned"
    team, _apps = team_with_units(round_obj, count=1, number=8)
    team.visit_dates = []
    team.save()
    with pytest.raises(ValidationError) as error:
        plan_itinerary(team, secretariat)
    assert error.value.code == "no_visit_dates"


def test_impossible_capacity_reports_dropped_visits_with_reasons(round_obj, secretariat):
    team, applications = team_with_units(round_obj, count=4, days=1, per_day=2)
    itinerary = plan_itinerary(team, secretariat)
    assert len(placed(itinerary)) == 2
    dropped = list(itinerary.visits.filter(day__isnull=True))
    assert len(dropped) == 2
    assert all(v.dropped_reason for v in dropped)
    assert all(v.number is None and v.start_at is None for v in dropped)
    assert set(itinerary.dropped) == {str(v.application_id) for v in dropped}
    # Confirming is refused with the units and their reasons.
    problems = " ".join(confirm_problems(itinerary))
    for visit in dropped:
        assert visit.application.unit.name_th in problems
        assert visit.dropped_reason in problems


def test_a_unit_too_far_is_dropped_with_its_reason(round_obj, secretariat):
    team, _apps = team_with_units(round_obj, count=1, days=1)
    far = assign(team, make_unit((13.7563, 100.5018), name_th="ศูนย์ราชการสะดวก กรุงเทพฯ"))
    plan_itinerary(team, secretariat)
    visit = Visit.objects.get(application=far)
    assert not visit.is_placed
    assert visit.dropped_reason  # "too far to go and come back within one day"


def test_a_hotel_ends_the_day_there_and_starts_the_next(round_obj, secretariat):
    team, _apps = team_with_units(round_obj, count=3, days=2)
    itinerary = plan_itinerary(team, secretariat)
    first, second = itinerary.days.order_by("date")
    hotel = near(LAMPHUN, 30)
    set_day_hotel(first, "โรงแรมลำพูนวิว", hotel[0], hotel[1], secretariat)
    second.refresh_from_db()
    assert second.start_label == "โรงแรมลำพูนวิว"
    assert float(second.start_latitude) == pytest.approx(hotel[0], abs=1e-5)
    assert AuditEntry.objects.filter(action="itinerary.hotel_set").count() == 1
    set_day_hotel(first, "", None, None, secretariat)  # cleared: back to the base
    second.refresh_from_db()
    assert second.start_label == "ศาลากลางจังหวัดลำพูน"


def test_a_hotel_needs_a_name_and_a_point_in_thailand(round_obj, secretariat):
    team, _apps = team_with_units(round_obj, count=1)
    day = plan_itinerary(team, secretariat).days.first()
    with pytest.raises(ValidationError) as error:
        set_day_hotel(day, "", 18.6, 99.0, secretariat)
    assert "label" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        set_day_hotel(day, "โรงแรม", 48.8, 2.3, secretariat)
    assert "latitude" in error.value.message_dict
    day.refresh_from_db()
    assert day.hotel_label == "" and day.hotel_latitude is None


def test_duration_and_window_changes_replan_and_are_audited(round_obj, secretariat):
    team, applications = team_with_units(round_obj, count=2)
    plan_itinerary(team, secretariat)
    visit = Visit.objects.get(application=applications[0])
    set_visit_duration(visit, 120, secretariat)
    visit.refresh_from_db()
    assert minutes(visit.end_at) - minutes(visit.start_at) == 120
    unit = visit.application.unit
    set_unit_window(unit, datetime.time(13, 0), datetime.time(16, 30), secretariat)
    visit.refresh_from_db()
    assert visit.start_at >= datetime.time(13, 0)
    entry = AuditEntry.objects.get(action="unit.visit_window_changed")
    assert entry.data["after"] == {"visit_window_start": "13:00", "visit_window_end": "16:30"}
    assert AuditEntry.objects.filter(action="visit.duration_changed").count() == 1
    with pytest.raises(ValidationError):
        set_visit_duration(visit, 5, secretariat)
    with pytest.raises(ValidationError):
        set_unit_window(unit, datetime.time(16, 0), datetime.time(9, 0), secretariat)
    unit.refresh_from_db()
    assert unit.visit_window_start == datetime.time(13, 0)


def test_travel_settings_change_replans(round_obj, secretariat):
    team, _apps = team_with_units(round_obj, count=3)
    itinerary = plan_itinerary(team, secretariat)
    slow = set_itinerary_parameters(itinerary, secretariat, road_factor=1.5, speed_kmh=30,
                                    lunch_minutes=45)
    assert slow.total_travel_minutes > itinerary.total_travel_minutes > 0
    slow.refresh_from_db()
    assert (float(slow.road_factor), slow.speed_kmh, slow.lunch_minutes) == (1.5, 30, 45)
    with pytest.raises(ValidationError) as error:
        set_itinerary_parameters(itinerary, secretariat, road_factor=0.5, speed_kmh=500,
                                 lunch_minutes=60)
    assert {"road_factor", "speed_kmh"} <= set(error.value.message_dict)


def test_a_visit_moved_to_another_team_is_taken_over(round_obj, secretariat):
    team, applications = team_with_units(round_obj, count=2)
    other, _ = team_with_units(round_obj, count=1, number=6)
    plan_itinerary(team, secretariat)
    from gecc.committees.models import Assignment

    Assignment.objects.filter(application=applications[0]).update(subcommittee=other)
    other_itinerary = plan_itinerary(other, secretariat)
    visit = Visit.objects.get(application=applications[0])
    assert visit.itinerary_id == other_itinerary.pk
    first = plan_itinerary(team, secretariat)
    assert first.visits.count() == 1


def test_days_follow_the_team_visit_dates(round_obj, secretariat):
    team, _apps = team_with_units(round_obj, count=2, days=3)
    itinerary = plan_itinerary(team, secretariat)
    assert itinerary.days.count() == 3
    team.visit_dates = ["2026-06-09", "2026-06-08"]
    team.save()
    plan_itinerary(team, secretariat)
    assert list(ItineraryDay.objects.filter(itinerary=itinerary).values_list("date", flat=True)
                .order_by("date")) == [datetime.date(2026, 6, 8), datetime.date(2026, 6, 9)]
