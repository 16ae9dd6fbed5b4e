import statistics

import pytest
from django.core.management import call_command

from gecc.scoring.domain.results import compare_stored
from gecc.scoring.enums import SheetState, TeamSheetState
from gecc.scoring.models import ConsensusScore, ItemScore, ScoreSheet, TeamSheet


@pytest.fixture
def demo(db):
    call_command("setup_demo")
    return TeamSheet.objects.filter(application__round__year=2563).select_related(
        "application__unit")


def test_the_2563_demo_round_is_scored_consolidated_and_explained(demo):
    """One demo, four checks (loading the demo is slow)."""
    check_team_5_scored_and_consolidated_the_eight_lamphun_units(demo)
    check_each_scoring_member_submitted_an_independent_sheet(demo)
    check_one_item_spreads_widely_and_the_team_explains_its_consensus(demo)
    check_the_team_wrote_findings_for_every_unit(demo)


def check_team_5_scored_and_consolidated_the_eight_lamphun_units(demo):
    assert demo.count() == 8
    assert set(demo.values_list("state", flat=True)) == {TeamSheetState.LOCKED}
    assert set(demo.values_list("subcommittee__number", flat=True)) == {5}
    # At least one unit at each level, as the scores give them.
    assert set(demo.values_list("result_level", flat=True)) == {"basic", "advanced",
                                                                 "excellence"}
    # Every team sheet locked, the round went on to the steering committee's decision.
    assert demo.first().application.round.phase == "decision"
    for team_sheet in demo:
        assert compare_stored(team_sheet)["matches"], team_sheet
        assert team_sheet.result_level == team_sheet.application.target_level


def check_each_scoring_member_submitted_an_independent_sheet(demo):
    sheets = ScoreSheet.objects.filter(application__round__year=2563)
    # Chair, member-secretary and two qualified members; the assistant secretary scores not.
    assert sheets.count() == 8 * 4
    assert set(sheets.values_list("state", flat=True)) == {SheetState.SUBMITTED}
    assert sheets.filter(assessor__email="assessor@demo.gecc.local").count() == 8
    assert not sheets.filter(assessor__memberships__position="assistant_secretary").exists()


def check_one_item_spreads_widely_and_the_team_explains_its_consensus(demo):
    differing = ConsensusScore.objects.filter(team_sheet__in=demo).exclude(reason="")
    assert differing.count() == 1
    consensus = differing.select_related("item", "team_sheet").get()
    scores = list(ItemScore.objects.filter(sheet__application=consensus.team_sheet.application,
                                           item=consensus.item).values_list("value", flat=True))
    assert max(scores) - min(scores) == 3
    assert statistics.median(scores) == consensus.median != consensus.value


def check_the_team_wrote_findings_for_every_unit(demo):
    for team_sheet in demo:
        items = team_sheet.items.all()
        assert items.exclude(strengths="").count() == 3
        assert items.exclude(improvements="").count() == 3


def test_running_the_demo_again_scores_nothing_twice(demo):
    before = (ScoreSheet.objects.count(), ItemScore.objects.count(), TeamSheet.objects.count())
    call_command("setup_demo")
    assert (ScoreSheet.objects.count(), ItemScore.objects.count(),
            TeamSheet.objects.count()) == before
