import pytest
from django.utils.timezone import localtime

from gecc.applications.demo import load_lamphun_2563_round
from gecc.applications.domain import missing_items
from gecc.applications.enums import ApplicationState
from gecc.applications.models import Answer, Application
from gecc.demo.accounts import ensure_demo_accounts
from gecc.demo.evidence import attach_demo_evidence
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_accounts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_demo_accounts()


def load_round():
    """The round as ``setup_demo`` loads it: a demo picture on every item that needs one."""
    return load_lamphun_2563_round(before_submit=attach_demo_evidence)


def test_demo_round_has_eight_accepted_applications_with_full_self_assessments():
    round_obj = Round.objects.get(pk=load_round().pk)
    assert (round_obj.year, round_obj.phase) == (2563, RoundPhase.SITE_VISITS)
    assert round_obj.edition.locked is True
    assert localtime(round_obj.applications_close_at).isoformat() == "2020-02-28T16:30:00+07:00"
    assert localtime(round_obj.site_visits_start_at).date().isoformat() == "2020-06-01"
    applications = list(Application.objects.filter(round=round_obj))
    assert len(applications) == 8
    assert {a.state for a in applications} == {ApplicationState.ACCEPTED}
    for application in applications:
        assert missing_items(application) == []
        assert application.answers.filter(self_score__isnull=True).count() == 0
    assert Answer.objects.filter(application__round=round_obj).exclude(explanation="") \
        .count() == Answer.objects.filter(application__round=round_obj).count()


def test_demo_round_is_idempotent():
    load_round()
    load_round()
    assert Round.objects.count() == 1
    assert Application.objects.count() == 8
