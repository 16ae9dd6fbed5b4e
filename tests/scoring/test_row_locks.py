"""On a day of site visits the members of every team of a round submit their sheets and
consolidate at once: the work on one application never waits for another application's.

A member's sheet and a team sheet are locked with their application's row (one team's work
on one application goes one at a time), but not with the round's, the unit's or the
member's rows, which ``select_related`` joins in and ``FOR UPDATE`` alone would lock too.
PostgreSQL only, as ``tests/applications/test_row_locks.py``; the harness is
``tests/row_locks.py``.
"""

import json

import pytest
from django.db import connection  # noqa: F401 - the skipif condition reads it

from gecc.scoring.domain.consolidation import record_findings, team_sheet_for
from gecc.scoring.domain.sheets import sheet_for, submit_sheet
from gecc.scoring.domain.sync import apply_batch, parse_batch
from tests.row_locks import hold_then_try
from tests.scoring.factories_sheets import add_application, batch, score, scoring_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="row locks: SQLite admits one writer at a time"),
]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return scoring_world()


def scored_sheet(world, user, application):
    apply_batch(user, parse_batch(json.dumps(batch(*(
        score(application, node, 1 if node.scale == "yn" else 2) for node in world.items)))))
    return sheet_for(user, application)


def test_submitting_a_sheet_does_not_hold_up_the_sheet_of_another_application(world):
    other = add_application(world)
    mine = scored_sheet(world, world.chair, world.application)
    theirs = scored_sheet(world, world.secretary, other)

    errors = hold_then_try(lambda: submit_sheet(mine, world.chair),
                           lambda: submit_sheet(theirs, world.secretary))

    assert errors == []
    theirs.refresh_from_db()
    assert theirs.is_submitted


def test_consolidating_does_not_hold_up_another_application(world):
    other = add_application(world)
    for member in world.members:
        submit_sheet(scored_sheet(world, member, world.application), member)
    theirs = scored_sheet(world, world.secretary, other)
    team_sheet = team_sheet_for(world.application)

    errors = hold_then_try(
        lambda: record_findings(team_sheet, world.items[0], strengths="บริการดี",
                                improvements="", actor=world.chair),
        lambda: submit_sheet(theirs, world.secretary))

    assert errors == []


def test_two_sheets_of_the_same_application_still_go_one_at_a_time(world):
    mine = scored_sheet(world, world.chair, world.application)
    theirs = scored_sheet(world, world.secretary, world.application)

    errors = hold_then_try(lambda: submit_sheet(mine, world.chair),
                           lambda: submit_sheet(theirs, world.secretary))

    assert [(who, type(error).__name__) for who, error in errors] == [
        ("other", "OperationalError")]
    assert "lock" in str(errors[0][1]).lower()
