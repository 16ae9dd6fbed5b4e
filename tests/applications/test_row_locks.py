"""On the last day every coordinator of a round saves, uploads and submits at once: the
transaction of one application never waits for another application's.

Each of these writes locks its own application's row (so a submission cannot slip in
between a save's check and its write). A lock that also took the round's row (the model's
default ordering joins the round and the unit; ``select_related`` does the same) would make
every save of the round queue behind every other. Here one transaction holds its lock on
application A while another saves an answer of application B of the same round with a
short ``lock_timeout``: it must go through. SQLite lets one writer in at a time whatever
the rows, so this is a PostgreSQL matter.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection  # noqa: F401 - the skipif condition reads it

from gecc.applications.domain import save_answer, submit_application
from gecc.applications.models import Answer
from gecc.evidence.domain.evidence import add_evidence
from tests.applications.factories import DURING, answer_all, make_application
from tests.evidence import samples
from tests.registry.factories import ServiceUnitFactory
from tests.row_locks import hold_then_try

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="row locks: SQLite admits one writer at a time"),
]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def first_answer(application):
    return (Answer.objects.select_related("item", "application__round__edition")
            .filter(application=application).order_by("item__position").first())


def autosave(answer, actor):
    save_answer(answer, self_score=answer.self_score, explanation="เขียนใหม่",
                expected_revision=answer.revision, actor=actor, now=DURING)


def upload(answer, actor):
    add_evidence(answer, SimpleUploadedFile("รายงาน.pdf", samples.pdf_bytes()), actor,
                 now=DURING)


def submit(answer, actor):
    submit_application(answer.application, actor, now=DURING)


@pytest.mark.parametrize("write", [autosave, upload, submit], ids=lambda fn: fn.__name__)
def test_a_write_to_one_application_does_not_hold_up_a_save_of_another(
        write, application, round_obj, coordinator):
    other_application = make_application(round_obj, ServiceUnitFactory(
        coordinators=[coordinator]), coordinator)
    answer_all(application)
    answer_all(other_application)
    mine, theirs = first_answer(application), first_answer(other_application)

    errors = hold_then_try(lambda: write(mine, coordinator),
                           lambda: autosave(theirs, coordinator))

    assert errors == []
    theirs.refresh_from_db()
    assert theirs.explanation == "เขียนใหม่"


def test_the_same_application_still_waits(application, coordinator):
    """The lock is real: a second save of the same application waits for the first one's
    transaction (here past its lock_timeout), so a submission cannot slip in between."""
    answer_all(application)
    answer = first_answer(application)
    other = first_answer(application)

    errors = hold_then_try(lambda: autosave(answer, coordinator),
                           lambda: submit(other, coordinator))

    assert [(who, type(error).__name__) for who, error in errors] == [
        ("other", "OperationalError")]
    assert "lock" in str(errors[0][1]).lower()
