"""A round leaves its site visits for the decision only once every accepted application
with a confirmed sub-committee has a locked team sheet: a blocking check that names them
(it replaced the applications' warning that the visits could not be checked)."""

import pytest
from django.urls import reverse
from django.utils import translation

from gecc.applications.models import Application
from gecc.rounds.domain import RoundError, advance_phase, phase_reasons
from gecc.rounds.domain.rounds import PhaseWarning
from gecc.scoring.domain import consolidation as c
from tests.conftest import sign_in
from tests.scoring.factories_sheets import add_application, scoring_world
from tests.scoring.factories_team import team_scores

pytestmark = pytest.mark.django_db

SAME = {"P1.1": [2, 2, 2], "P1.2": [1, 1, 1], "Q1.1": [3, 3, 3]}


def lock(world, application=None):
    application = application or world.application
    team_scores(world, SAME, application=application)
    return c.lock_team_sheet(c.team_sheet_for(application), world.chair)


def test_moving_to_decision_is_refused_while_a_team_sheet_is_not_locked():
    world = scoring_world()
    second = add_application(world)
    lock(world)
    blockers, warnings = phase_reasons(world.round, "decision")
    assert warnings == []
    assert blockers == [
        f"ใบสมัครที่รับเข้าตรวจประเมิน 1 รายการยังไม่มีแบบสรุปคะแนนของคณะที่ล็อกแล้ว "
        f"(ผลที่เสนอ): {second.unit.name_th} (1) คณะอนุกรรมการแต่ละคณะล็อกแบบสรุปคะแนนหลังได้"
        f"ฉันทามติ รอบการประเมินจะเข้าสู่ขั้นพิจารณาผลได้เมื่อล็อกครบทุกรายการ"]
    assert not any(isinstance(reason, PhaseWarning) for reason in blockers)
    with pytest.raises(RoundError):
        advance_phase(world.round, world.secretariat, acknowledged=True)
    world.round.refresh_from_db()
    assert world.round.phase == "site_visits"


def test_the_round_moves_on_once_every_team_sheet_is_locked():
    world = scoring_world()
    second = add_application(world)
    lock(world)
    lock(world, second)
    assert phase_reasons(world.round, "decision") == ([], [])
    advance_phase(world.round, world.secretariat)
    world.round.refresh_from_db()
    assert world.round.phase == "decision"


def test_only_accepted_applications_with_a_confirmed_team_count():
    world = scoring_world()
    lock(world)
    withdrawn = add_application(world)
    Application.objects.filter(pk=withdrawn.pk).update(state="withdrawn")
    assert phase_reasons(world.round, "decision") == ([], [])
    assert c.team_sheets_locked(world.round, "announced") == []


def test_the_check_names_ten_and_counts_the_rest():
    world = scoring_world()
    for _ in range(11):
        add_application(world)
    with translation.override("en"):
        (reason,) = c.team_sheets_locked(world.round, "decision")
    assert reason.startswith("12 accepted applications have no locked team sheet")
    assert "and 2 more." in reason
    assert reason.count("(1)") == 10


def test_the_confirmation_page_lists_the_pending_team_sheets(client):
    world = scoring_world()
    sign_in(client, world.secretariat)
    html = client.get(reverse("rounds:round.advance", kwargs={"year": world.round.year}))
    text = html.content.decode()
    assert world.unit.name_th in text
    assert 'data-testid="acknowledge"' not in text
