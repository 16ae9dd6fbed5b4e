"""Building rounds and applications for tests, through the domain functions."""

import datetime

from django.utils import timezone

from gecc.applications.domain import create_application
from gecc.criteria.domain.editions import load_edition
from gecc.rounds.domain import create_round, open_round
from tests.criteria.factories import small_document

BKK = timezone.get_fixed_timezone(datetime.timedelta(hours=7))
OPEN_AT = datetime.datetime(2026, 1, 5, 8, 30, tzinfo=BKK)
CLOSE_AT = datetime.datetime(2026, 2, 28, 16, 30, tzinfo=BKK)
DURING = datetime.datetime(2026, 1, 20, 10, 0, tzinfo=BKK)


def round_dates(**overrides):
    dates = {
        "applications_open_at": OPEN_AT,
        "applications_close_at": CLOSE_AT,
        "desk_review_end_at": datetime.datetime(2026, 4, 30, 16, 30, tzinfo=BKK),
        "site_visits_start_at": datetime.datetime(2026, 6, 1, 8, 30, tzinfo=BKK),
        "site_visits_end_at": datetime.datetime(2026, 7, 31, 16, 30, tzinfo=BKK),
        "decision_at": datetime.datetime(2026, 8, 31, 9, 0, tzinfo=BKK),
        "announcement_at": datetime.datetime(2026, 9, 30, 9, 0, tzinfo=BKK),
    }
    dates.update(overrides)
    return dates


def make_version(label="2599", revision=1):
    return load_edition(small_document(label=label, revision=revision)).version


def make_round(actor=None, *, year=2569, version=None, opened=True, **dates):
    version = version or make_version()
    round_obj = create_round(year=year, name=f"รอบการประเมิน {year}", edition=version,
                             actor=actor, **round_dates(**dates))
    if opened:
        open_round(round_obj, actor)
    return round_obj


def make_application(round_obj, unit, actor=None, *, now=DURING, **kwargs):
    fields = {"kind": "new", "target_level": "basic", "contact_name": "นางสาวสมใจ ใจดี",
              "contact_phone": "053 511 000", "contact_email": "contact@unit.go.th"}
    fields.update(kwargs)
    return create_application(round_obj, unit, actor=actor, now=now, **fields)


def answer_all(application, actor=None, score=2):
    """Give every answer a valid score directly (test setup, not the domain path)."""
    for answer in application.answers.select_related("item"):
        answer.self_score = 1 if answer.item.scale == "yn" else score
        answer.explanation = "มีการดำเนินการตามเกณฑ์"
        answer.needs_confirmation = False
        answer.save()
    return application
