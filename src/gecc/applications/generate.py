"""A national-scale round for trying the system at full size: 7,500 applications with full
self-assessments (about 60 answers each), written with bulk_create.

The round, its opening and its phase changes go through the rounds domain (audited); the
applications and answers are bulk data, recorded by one audit entry
(``applications.generated``).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gecc.applications.domain.items import applies_to_unit_type, level_codes, scale_values
from gecc.applications.enums import ApplicationKind, ApplicationState
from gecc.applications.models import Answer, Application
from gecc.audit.domain import log_action
from gecc.common.db import analyze
from gecc.common.thaidate import as_local_date, end_of_day
from gecc.criteria.enums import NodeKind
from gecc.criteria.models import Node
from gecc.rounds.domain import advance_phase, create_round, open_round
from gecc.rounds.models import Round

S = ApplicationState
BATCH = 5000
# How the generated applications stand at the end of the applications phase.
STATE_WEIGHTS = [(S.SUBMITTED, 45), (S.RESUBMITTED, 8), (S.RETURNED, 10), (S.ACCEPTED, 30),
                 (S.REJECTED, 3), (S.WITHDRAWN, 2), (S.DRAFT, 2)]
FIRST_NAMES = ["สมชาย", "สมหญิง", "วิไล", "ประเสริฐ", "กนกวรรณ", "อนุชา", "สุภาพร", "ธนพล",
               "พิมพ์ใจ", "วีระ", "รัตนา", "ชัยวัฒน์"]
LAST_NAMES = ["ใจดี", "คำมูล", "ปัญญาดี", "อินทร์แก้ว", "ศรีวงศ์", "บุญมา", "ชัยวงค์", "ทองดี"]
EXPLANATIONS = ["ดำเนินการครบถ้วนตามเกณฑ์ มีภาพถ่ายประกอบ", "ดำเนินการเป็นระบบและต่อเนื่อง",
                "ดำเนินการแล้วบางส่วน อยู่ระหว่างปรับปรุง", "มีหลักฐานเป็นคำสั่งและรายงานผล",
                "จัดทำแผนและติดตามผลทุกไตรมาส"]


@dataclass
class GeneratedRound:
    round: Round
    applications: int
    answers: int


def _at(year_ce, month, day, hour=8, minute=30):
    return timezone.make_aware(datetime.datetime(year_ce, month, day, hour, minute))


def round_dates(year_be: int) -> dict:
    ce = year_be - 543
    return {
        "applications_open_at": _at(ce, 1, 6),
        "applications_close_at": _at(ce, 2, 28, 16, 30),
        "desk_review_end_at": _at(ce, 4, 30, 16, 30),
        "site_visits_start_at": _at(ce, 6, 1),
        "site_visits_end_at": _at(ce, 7, 31, 16, 30),
        "decision_at": _at(ce, 8, 27, 9, 0),
        "announcement_at": _at(ce, 9, 24, 9, 0),
    }


def free_year(preferred: int = 2568) -> int:
    year = preferred
    taken = set(Round.objects.values_list("year", flat=True))
    while year in taken:
        year += 1
    return year


def generate_round(units_queryset, applications: int = 7500, seed: int = 2568, *,
                   year: int | None = None, edition=None, actor=None) -> GeneratedRound:
    """Create a round (``year``, by default 2568 or the next free year) in its desk-review
    phase with one application per unit for the first ``applications`` units of
    ``units_queryset`` (by pk), each with a full self-assessment."""
    from gecc.criteria.interfaces.example import load_example_edition

    rng = random.Random(seed)
    year = year or free_year()
    edition = edition or load_example_edition(actor=actor).version
    dates = round_dates(year)
    with transaction.atomic():
        round_obj = create_round(year=year, name=f"การตรวจประเมินศูนย์ราชการสะดวก ประจำปี พ.ศ. "
                                 f"{year} (ข้อมูลจำลอง)", edition=edition, actor=actor, **dates)
        open_round(round_obj, actor)
        units = list(units_queryset.order_by("pk").values_list("pk", "unit_type")[:applications])
        items = list(Node.objects.filter(version=edition, kind=NodeKind.ITEM)
                     .order_by("position"))
        allowed = {item.pk: sorted(scale_values(edition, item)) for item in items}
        items_by_type: dict[str, list[Node]] = {}
        levels = level_codes(edition)
        level_weights = ([6, 3, 1] + [1] * len(levels))[:len(levels)]
        states = [state for state, _w in STATE_WEIGHTS]
        weights = [weight for _s, weight in STATE_WEIGHTS]
        open_at, close_at = dates["applications_open_at"], dates["applications_close_at"]
        span = int((close_at - open_at).total_seconds())
        rows = []
        for unit_id, unit_type in units:
            state = rng.choices(states, weights)[0]
            submitted = open_at + datetime.timedelta(seconds=rng.randrange(span))
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            app = Application(
                round=round_obj, unit_id=unit_id, kind=ApplicationKind.NEW,
                target_level=rng.choices(levels, level_weights)[0],
                contact_name=f"{first} {last}", contact_phone=f"0{rng.randrange(20, 99)} "
                f"{rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
                contact_email=f"gecc.unit{unit_id}@example.go.th", state=state)
            if state != S.DRAFT:
                app.submitted_at = submitted
            if state == S.ACCEPTED:
                app.accepted_at = close_at + datetime.timedelta(days=rng.randrange(1, 40))
            if state == S.RETURNED:
                app.returned_at = close_at + datetime.timedelta(days=rng.randrange(1, 20))
                app.return_deadline = end_of_day(
                    as_local_date(app.returned_at) + datetime.timedelta(days=14))
            if state == S.REJECTED:
                app.rejection_reason = "เอกสารประกอบการสมัครไม่ครบถ้วน"
                app.rejected_at = close_at + datetime.timedelta(days=rng.randrange(1, 40))
            if state == S.WITHDRAWN:
                app.withdrawn_at = submitted
            rows.append((app, unit_type))
        Application.objects.bulk_create([app for app, _t in rows], batch_size=BATCH)
        answers, total = [], 0
        for app, unit_type in rows:
            type_items = items_by_type.get(unit_type)
            if type_items is None:
                type_items = items_by_type[unit_type] = [
                    item for item in items if applies_to_unit_type(item, unit_type)]
            full = app.state != S.DRAFT
            quality = rng.random()
            for item in type_items:
                values = allowed[item.pk]
                if full or rng.random() < 0.5:
                    score = values[-1] if rng.random() < quality else rng.choice(values)
                    explanation = rng.choice(EXPLANATIONS)
                    revision = 1
                else:
                    score, explanation, revision = None, "", 0
                answers.append(Answer(application=app, item=item, self_score=score,
                                      explanation=explanation, revision=revision))
            if len(answers) >= BATCH:
                Answer.objects.bulk_create(answers)
                total += len(answers)
                answers = []
        Answer.objects.bulk_create(answers)
        total += len(answers)
        log_action("applications.generated", actor=actor, obj=round_obj,
                   data={"applications": len(rows), "answers": total, "seed": seed})
        advance_phase(round_obj, actor)  # applications are closed: desk review
    analyze(Application, Answer)
    return GeneratedRound(round_obj, len(rows), total)
