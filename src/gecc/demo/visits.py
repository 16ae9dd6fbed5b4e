"""Demo: sub-committee 5 of the 2563 round visiting the eight Lamphun units on 8–9 June 2563
(the seed news item), with its members, a confirmed assignment and a confirmed itinerary;
two more teams of the round carry one declared and one detected conflict of interest.

Every person is a placeholder named by position, never a real person. Idempotent: a round
whose sub-committee 5 exists is left as it is.
"""

import datetime

from django.db import transaction

from gecc.accounts.enums import Role
from gecc.accounts.models import RoleGrant, User
from gecc.applications.models import Application
from gecc.committees.domain.assignment import confirm_assignments, move_application
from gecc.committees.domain.conflicts import declare_conflict, detect_conflicts
from gecc.committees.domain.profiles import create_profile
from gecc.committees.domain.subcommittees import add_member, create_subcommittee
from gecc.committees.enums import Position
from gecc.committees.models import AssessorProfile, SubCommittee
from gecc.demo.accounts import DEMO_PASSWORD
from gecc.geography.models import Province
from gecc.registry.models import Organization, ServiceUnit
from gecc.visits.domain.itineraries import confirm_itinerary, plan_itinerary

DEMO_ASSESSOR_EMAIL = "assessor@demo.gecc.local"

# number, base province (DOPA code), visit dates (Christian era), members
# (e-mail local part or the demo assessor login, Thai placeholder name, position)
TEAMS = [
    (5, "51", [datetime.date(2020, 6, 8), datetime.date(2020, 6, 9)], [
        (DEMO_ASSESSOR_EMAIL, None, Position.CHAIR),
        ("team5.secretary", "เลขานุการคณะที่ 5 (ตัวอย่าง)", Position.SECRETARY),
        ("team5.expert1", "ผู้ทรงคุณวุฒิ คนที่ 1 คณะที่ 5 (ตัวอย่าง)", Position.QUALIFIED),
        ("team5.expert2", "ผู้ทรงคุณวุฒิ คนที่ 2 คณะที่ 5 (ตัวอย่าง)", Position.QUALIFIED),
        ("team5.assistant", "ผู้ช่วยเลขานุการคณะที่ 5 (ตัวอย่าง)", Position.ASSISTANT),
    ]),
    (4, "50", [datetime.date(2020, 6, 10), datetime.date(2020, 6, 11)], [
        ("team4.chair", "ประธานคณะที่ 4 (ตัวอย่าง)", Position.CHAIR),
        ("team4.secretary", "เลขานุการคณะที่ 4 (ตัวอย่าง)", Position.SECRETARY),
        ("team4.expert", "ผู้ทรงคุณวุฒิ คณะที่ 4 (ตัวอย่าง)", Position.QUALIFIED),
    ]),
    (6, "52", [datetime.date(2020, 6, 15), datetime.date(2020, 6, 16)], [
        ("team6.chair", "ประธานคณะที่ 6 (ตัวอย่าง)", Position.CHAIR),
        ("team6.secretary", "เลขานุการคณะที่ 6 (ตัวอย่าง)", Position.SECRETARY),
        ("team6.expert", "ผู้ทรงคุณวุฒิ คณะที่ 6 (ตัวอย่าง)", Position.QUALIFIED),
    ]),
]
# Team 4's qualified member works for the Provincial Electricity Authority (detected
# conflict with its Lamphun office); team 6's declares one with the land transport office.
AFFILIATIONS = {"team4.expert": "PEA"}
DECLARED = ("team6.expert", "LPN-DLT-01", "คู่สมรสดำรงตำแหน่งหัวหน้าหน่วยบริการนี้")


def _email(local):
    return local if "@" in local else f"{local}@demo.gecc.local"


def _member(local, name, province):
    email = _email(local)
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name or ""})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    RoleGrant.objects.get_or_create(user=user, role=Role.ASSESSOR)
    if not AssessorProfile.objects.filter(user=user).exists():
        affiliation = Organization.objects.filter(code=AFFILIATIONS.get(local, "")).first()
        create_profile(user, home_province=province, affiliation=affiliation,
                       affiliation_text="" if affiliation else "ผู้ทรงคุณวุฒิภายนอก (ตัวอย่าง)",
                       expertise=["การบริการประชาชน", "กายภาพ"], phone="02 000 0000",
                       max_visits_per_day=4)
    return user


@transaction.atomic
def load_lamphun_2563_visits(round_obj, actor):
    """Teams 4, 5 and 6 of the 2563 round, the eight Lamphun applications assigned to team 5
    and its itinerary confirmed; returns team 5."""
    existing = SubCommittee.objects.filter(round=round_obj, number=5).first()
    if existing is not None:
        return existing
    teams = {}
    for number, province_code, dates, members in TEAMS:
        province = Province.objects.get(code=province_code)
        team = create_subcommittee(
            round_obj, number, name=f"คณะที่ {number}", base_province=province,
            base_address=f"ศาลากลางจังหวัด{province.name_th}", visit_dates=dates,
            visits_per_day=4, actor=actor)
        for local, name, position in members:
            add_member(team, _member(local, name, province), position, actor=actor)
        teams[number] = team

    local, unit_code, reason = DECLARED
    declare_conflict(User.objects.get(email=_email(local)), round_obj,
                     unit=ServiceUnit.objects.get(code=unit_code), reason=reason,
                     actor=User.objects.get(email=_email(local)))
    detect_conflicts(round_obj, actor=actor)

    applications = Application.objects.filter(round=round_obj, state="accepted").order_by(
        "unit__code")
    for application in applications:
        move_application(application, teams[5], actor, lock=True)
    confirm_assignments(round_obj, actor)

    # Four 90-minute visits a day fit Lamphun's short drives: eight stops in two days.
    confirm_itinerary(plan_itinerary(teams[5], actor), actor)
    return teams[5]
