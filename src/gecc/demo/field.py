"""Demo: a round in its site visits now, so the demo member can try the field app (download
the visit pack, score offline, sync). It is last year's round (Buddhist era), next to the
historical 2563 round and this year's round that is open for applications: three Lamphun
units applied, were accepted, and are assigned to sub-committee 1, which the demo member
chairs; its itinerary is confirmed for the next two days. Nobody has scored yet.

Idempotent: a round of that year that exists is left as it is.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gecc.accounts.models import User
from gecc.applications.demo import DEMO_SECRETARIAT_EMAIL, fill_self_assessment
from gecc.applications.domain import (
    accept_for_site_visit,
    create_application,
    record_screening,
    submit_application,
)
from gecc.committees.domain.assignment import confirm_assignments, move_application
from gecc.committees.domain.subcommittees import add_member, create_subcommittee
from gecc.committees.enums import Position
from gecc.criteria.interfaces.example import load_example_edition
from gecc.geography.models import Province
from gecc.registry.demo import load_lamphun_demo
from gecc.rounds.domain import advance_phase, create_round, open_round
from gecc.rounds.enums import RoundPhase, phase_index
from gecc.rounds.models import Round
from gecc.visits.domain.itineraries import confirm_itinerary, plan_itinerary

BE_OFFSET = 543
FIELD_UNITS = 3
MEMBERS = [
    ("assessor@demo.gecc.local", None, Position.CHAIR),
    ("field.secretary", "เลขานุการคณะที่ 1 (ตัวอย่างภาคสนาม)", Position.SECRETARY),
    ("field.expert", "ผู้ทรงคุณวุฒิ คณะที่ 1 (ตัวอย่างภาคสนาม)", Position.QUALIFIED),
]


def field_round_dates(today: datetime.date) -> dict:
    """Applications closed months ago; the site visits run from a week ago to six weeks
    ahead."""

    def at(days, hour=16, minute=30):
        day = today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    return {
        "applications_open_at": at(-150, 8, 30),
        "applications_close_at": at(-100),
        "desk_review_end_at": at(-40),
        "site_visits_start_at": at(-7, 8, 30),
        "site_visits_end_at": at(45),
        "decision_at": at(60, 9, 0),
        "announcement_at": at(90, 9, 0),
    }


@transaction.atomic
def ensure_field_demo_round(before_submit=None, today=None):
    """Last year's round in its site visits, with sub-committee 1 (chaired by the demo
    member) due to visit three Lamphun units tomorrow and the day after. Returns the round."""
    from gecc.demo.visits import _member

    today = today or timezone.localdate()
    year = today.year + BE_OFFSET - 1
    existing = Round.objects.filter(year=year).first()
    if existing is not None:
        return existing
    actor = User.objects.filter(email=DEMO_SECRETARIAT_EMAIL).first()
    dates = field_round_dates(today)
    round_obj = create_round(
        year=year, name=f"การตรวจประเมินศูนย์ราชการสะดวก ประจำปี พ.ศ. {year} (รอบสาธิตภาคสนาม)",
        edition=load_example_edition(actor=actor).version, actor=actor, **dates)
    open_round(round_obj, actor)
    applied = dates["applications_open_at"] + datetime.timedelta(days=5)
    units = load_lamphun_demo()[:FIELD_UNITS]
    for index, unit in enumerate(units):
        application = create_application(
            round_obj, unit, kind="new", target_level="advanced",
            contact_name="ผู้ประสานงาน (ตัวอย่าง)", contact_phone="053 000 000",
            contact_email=f"field.{unit.code.lower()}@demo.gecc.local", actor=actor,
            now=applied)
        fill_self_assessment(application, random.Random(f"field-{unit.code}"))
        if before_submit is not None:
            before_submit(application)
        submit_application(application, actor,
                           now=applied + datetime.timedelta(days=10, hours=index))
        record_screening(application, actor,
                         {code: True for code in round_obj.checklist_codes()})
        accept_for_site_visit(application, actor,
                              now=dates["applications_close_at"]
                              + datetime.timedelta(days=10 + index))
    while phase_index(round_obj.phase) < phase_index(RoundPhase.SITE_VISITS):
        advance_phase(round_obj, actor)

    province = Province.objects.get(code="51")
    team = create_subcommittee(
        round_obj, 1, name="คณะที่ 1", base_province=province,
        base_address=f"ศาลากลางจังหวัด{province.name_th}",
        visit_dates=[today + datetime.timedelta(days=1), today + datetime.timedelta(days=2)],
        visits_per_day=4, actor=actor)
    for local, name, position in MEMBERS:
        add_member(team, _member(local, name, province), position, actor=actor)
    for application in round_obj.applications.filter(state="accepted").order_by("unit__code"):
        move_application(application, team, actor, lock=True)
    confirm_assignments(round_obj, actor)
    confirm_itinerary(plan_itinerary(team, actor), actor)
    return round_obj
