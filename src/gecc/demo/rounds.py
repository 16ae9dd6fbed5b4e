"""A round open for applications today, so the demo's coordinator can try the whole flow
(apply, self-assess with evidence, submit) next to the historical 2563 round."""

import datetime

from django.db import transaction
from django.utils import timezone

from gecc.accounts.models import User
from gecc.criteria.interfaces.example import load_example_edition
from gecc.rounds.domain import create_round, open_round
from gecc.rounds.models import Round

BE_OFFSET = 543


def open_round_dates(today: datetime.date) -> dict:
    """Applications opened a week ago and close in 60 days; later phases follow."""

    def at(days, hour=16, minute=30):
        day = today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    return {
        "applications_open_at": at(-7, 8, 30),
        "applications_close_at": at(60),
        "desk_review_end_at": at(90),
        "site_visits_start_at": at(100, 8, 30),
        "site_visits_end_at": at(150),
        "decision_at": at(170, 9, 0),
        "announcement_at": at(200, 9, 0),
    }


@transaction.atomic
def ensure_open_demo_round(today=None):
    """The current year's round, open for applications; left alone if it exists."""
    today = today or timezone.localdate()
    year = today.year + BE_OFFSET
    existing = Round.objects.filter(year=year).first()
    if existing is not None:
        return existing
    actor = User.objects.filter(email="secretariat@demo.gecc.local").first()
    edition = load_example_edition(actor=actor).version
    round_obj = create_round(
        year=year, name=f"การตรวจประเมินศูนย์ราชการสะดวก ประจำปี พ.ศ. {year} (รอบสาธิต)",
        edition=edition, actor=actor, **open_round_dates(today))
    open_round(round_obj, actor)
    return round_obj
