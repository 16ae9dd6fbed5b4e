"""Test data for the field app (``tests/scoring/test_field_*.py`` and the browser tests):
evidence files on the unit's answers and a confirmed itinerary placing the visits. Rows are
written directly (test setup, no audit entry); the scoring world comes from
``tests/scoring/factories_sheets.py``."""

import datetime
import hashlib

from django.core.files.base import ContentFile

from gecc.applications.models import Answer
from gecc.evidence.models import EvidenceFile
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Itinerary, ItineraryDay, Visit
from tests.evidence import samples
from tests.scoring.factories_sheets import image_bytes


def answer_of(application, ref) -> Answer:
    return Answer.objects.select_related("item").get(application=application, item__ref=ref)


def evidence(application, ref, *, name="ป้ายศูนย์.png", kind="png", data=None) -> EvidenceFile:
    """A current evidence file on the unit's answer to item ``ref`` (PNG by default)."""
    if data is None:
        data = samples.pdf_bytes() if kind == "pdf" else image_bytes(size=(40, 30))
    content_type = {"png": "image/png", "jpeg": "image/jpeg", "pdf": "application/pdf"}[kind]
    answer = answer_of(application, ref)
    row = EvidenceFile(answer=answer, original_name=name, kind=kind, content_type=content_type,
                       size=len(data), sha256=hashlib.sha256(data).hexdigest())
    row.file.save(name, ContentFile(data), save=False)
    row.save()
    return row


def self_assess(application, ref, *, score=2, not_applicable=False, explanation=""):
    Answer.objects.filter(application=application, item__ref=ref).update(
        self_score=None if not_applicable else score, not_applicable=not_applicable,
        explanation=explanation)


def place_visits(team, plan, *, state=ItineraryState.CONFIRMED) -> Itinerary:
    """A confirmed itinerary of ``team`` with ``plan`` = [(application, date, "HH:MM",
    stop number), ...] (each visit lasts 90 minutes)."""
    itinerary, _created = Itinerary.objects.get_or_create(subcommittee=team,
                                                          defaults={"state": state})
    for order, (application, date, start, number) in enumerate(plan, start=1):
        day, _created = ItineraryDay.objects.get_or_create(itinerary=itinerary, date=date)
        start_at = datetime.time.fromisoformat(start)
        end_at = (datetime.datetime.combine(date, start_at)
                  + datetime.timedelta(minutes=90)).time()
        Visit.objects.create(itinerary=itinerary, application=application, day=day,
                             order=order, number=number, start_at=start_at, end_at=end_at,
                             arrive_at=start_at)
    return itinerary
