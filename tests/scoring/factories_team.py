"""Score sheets written directly for the team tests (test setup, not the sync path).

``sheet(world, user, values, submitted=True)`` → a ``ScoreSheet`` of ``user`` for the
world's application with one ``ItemScore`` per ``{ref: value}`` (``NA`` for not applicable,
``(value, note)`` for a note). ``team_scores(world, {ref: [chair, qualified, secretary]})``
writes and submits every scoring member's sheet at once and returns them.
"""

from django.utils import timezone

from gecc.scoring.enums import SheetState
from gecc.scoring.models import ItemScore, ScoreSheet

NA = "N/A"


def sheet(world, user, values, *, submitted=True, application=None):
    application = application or world.application
    items = {item.ref: item for item in world.items}
    score_sheet = ScoreSheet.objects.create(
        application=application, assessor=user, subcommittee=world.team,
        state=SheetState.SUBMITTED if submitted else SheetState.DRAFT,
        submitted_at=timezone.now() if submitted else None)
    for ref, value in values.items():
        note = ""
        if isinstance(value, tuple):
            value, note = value
        ItemScore.objects.create(sheet=score_sheet, item=items[ref],
                                 value=None if value == NA else value,
                                 not_applicable=value == NA, note=note,
                                 client_time=timezone.now())
    return score_sheet


def team_scores(world, columns, *, submitted=True, application=None):
    """``columns``: {ref: [value per member, in ``world.members`` order]}."""
    sheets = []
    for index, user in enumerate(world.members):
        sheets.append(sheet(world, user, {ref: values[index] for ref, values in columns.items()},
                            submitted=submitted, application=application))
    return sheets
