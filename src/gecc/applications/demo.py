"""Demo: the 2563 round with the eight Lamphun units' applications, submitted and accepted
for site visits, each with a full self-assessment (the news item is dated 8 June 2563)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gecc.applications.domain import (
    accept_for_site_visit,
    create_application,
    record_screening,
    submit_application,
)
from gecc.applications.domain.items import scale_values
from gecc.applications.models import Answer, Application
from gecc.rounds.domain import advance_phase, create_round, open_round
from gecc.rounds.enums import RoundPhase, phase_index
from gecc.rounds.models import Round

DEMO_YEAR = 2563
DEMO_SECRETARIAT_EMAIL = "secretariat@demo.gecc.local"


def _at(year, month, day, hour=8, minute=30):
    """A Bangkok time in the Christian-era year ``year``."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


# พ.ศ. 2563 = ค.ศ. 2020
DATES = {
    "applications_open_at": _at(2020, 1, 6),
    "applications_close_at": _at(2020, 2, 28, 16, 30),
    "desk_review_end_at": _at(2020, 4, 30, 16, 30),
    "site_visits_start_at": _at(2020, 6, 1),
    "site_visits_end_at": _at(2020, 7, 31, 16, 30),
    "decision_at": _at(2020, 8, 27, 9, 0),
    "announcement_at": _at(2020, 9, 24, 9, 0),
}

CONTACTS = [
    ("นายสมชาย ใจดี", "053 511 111"), ("นางสาวพิมพ์ใจ คำมูล", "053 511 222"),
    ("นายอนุชา ปัญญาดี", "053 530 100"), ("นางสุภาพร อินทร์แก้ว", "053 591 200"),
    ("นายวีระ ศรีวงศ์", "053 591 300"), ("นางสาวกนกวรรณ ทาคำ", "053 598 400"),
    ("นายประเสริฐ บุญมา", "053 976 500"), ("นางรัตนา ชัยวงค์", "053 511 600"),
]
LEVELS = ["basic", "advanced", "basic", "advanced", "basic", "excellence", "basic", "advanced"]

EXPLANATIONS = {
    4: "ดำเนินการครบถ้วนและต่อเนื่อง เป็นแบบอย่างให้หน่วยอื่นได้ มีหลักฐาน: {evidence}",
    3: "ดำเนินการเป็นระบบ มีการทบทวนทุกไตรมาส หลักฐาน: {evidence}",
    2: "ดำเนินการครบตามเกณฑ์ขั้นต่ำ อยู่ระหว่างปรับปรุงเพิ่มเติม หลักฐาน: {evidence}",
    1: "ดำเนินการแล้วบางส่วน มีแผนดำเนินการให้ครบภายในปีนี้",
    0: "ยังไม่ได้ดำเนินการ",
}


def _actor():
    from gecc.accounts.models import User

    return User.objects.filter(email=DEMO_SECRETARIAT_EMAIL).first()


def fill_self_assessment(application, rng):
    """Give every answer a plausible score and a short Thai explanation (demo data)."""
    edition = application.round.edition
    answers = list(Answer.objects.filter(application=application).select_related("item"))
    for answer in answers:
        allowed = sorted(scale_values(edition, answer.item))
        score = 1 if allowed == [0, 1] else rng.choices([2, 3, 4], weights=[2, 5, 3])[0]
        evidence = answer.item.evidence_th or "เอกสารและภาพถ่ายประกอบ"
        answer.self_score = score
        answer.explanation = EXPLANATIONS.get(score, EXPLANATIONS[2]).format(evidence=evidence)
        answer.needs_confirmation = False
        answer.revision += 1
    Answer.objects.bulk_update(answers, ["self_score", "explanation", "needs_confirmation",
                                         "revision"])


@transaction.atomic
def load_lamphun_2563_round(before_submit=None):
    """Create the demo round 2563 (idempotent): the example criteria edition, the eight
    Lamphun units' applications submitted in February 2563 and accepted in March 2563,
    and the round in its site-visit phase. ``before_submit(application)`` runs on each new
    application once its self-assessment is filled in (the demo app attaches evidence
    there: this app may not import the evidence app). Returns the round."""
    from gecc.criteria.interfaces.example import load_example_edition
    from gecc.registry.demo import load_lamphun_demo

    actor = _actor()
    units = load_lamphun_demo()
    round_obj = Round.objects.filter(year=DEMO_YEAR).first()
    if round_obj is None:
        version = load_example_edition(actor=actor).version
        round_obj = create_round(
            year=DEMO_YEAR, name="การตรวจประเมินศูนย์ราชการสะดวก ประจำปี พ.ศ. 2563",
            edition=version, actor=actor, **DATES)
        open_round(round_obj, actor)
    if round_obj.phase == RoundPhase.APPLICATIONS:
        submitted_on = _at(2020, 2, 10, 10, 0)
        for index, unit in enumerate(units):
            if Application.objects.filter(round=round_obj, unit=unit).exists():
                continue
            name, phone = CONTACTS[index % len(CONTACTS)]
            application = create_application(
                round_obj, unit, kind="new", target_level=LEVELS[index % len(LEVELS)],
                contact_name=name, contact_phone=phone,
                contact_email=f"gecc.{unit.code.lower()}@demo.gecc.local", actor=actor,
                now=submitted_on - datetime.timedelta(days=20))
            fill_self_assessment(application, random.Random(unit.code))
            if before_submit is not None:
                before_submit(application)
            submit_application(application, actor, now=submitted_on + datetime.timedelta(
                hours=index))
            record_screening(application, actor,
                             {code: True for code in round_obj.checklist_codes()})
            accept_for_site_visit(application, actor,
                                  now=_at(2020, 3, 16 + index, 14, 0))
    while phase_index(round_obj.phase) < phase_index(RoundPhase.SITE_VISITS):
        advance_phase(round_obj, actor)
    return round_obj
