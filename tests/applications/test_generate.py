import pytest
from django.core.management import call_command

from gecc.applications.domain import missing_items
from gecc.applications.enums import ApplicationState
from gecc.applications.generate import generate_round
from gecc.applications.models import Answer, Application
from gecc.audit.models import AuditEntry
from gecc.registry.models import ServiceUnit
from gecc.rounds.enums import RoundPhase
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db


def test_generate_round_creates_applications_with_full_self_assessments():
    ServiceUnitFactory.create_batch(12)
    result = generate_round(ServiceUnit.objects.all(), applications=10, seed=1)
    assert (result.round.year, result.round.phase) == (2568, RoundPhase.DESK_REVIEW)
    assert result.applications == Application.objects.count() == 10
    assert result.answers == Answer.objects.count() == 10 * 60  # the example has 60 items
    assert Application.objects.values("unit").distinct().count() == 10
    for application in Application.objects.exclude(state=ApplicationState.DRAFT):
        # Generated data carries no files: only the evidence the edition requires is missing.
        assert {m.reasons for m in missing_items(application)} <= {("no_evidence",)}
    assert AuditEntry.objects.filter(action="applications.generated").count() == 1


def test_generate_round_takes_the_next_free_year():
    ServiceUnitFactory.create_batch(2)
    first = generate_round(ServiceUnit.objects.all(), applications=2, seed=1)
    second = generate_round(ServiceUnit.objects.all(), applications=2, seed=1)
    assert (first.round.year, second.round.year) == (2568, 2569)


def test_generate_national_round_command(capsys):
    ServiceUnitFactory.create_batch(3)
    call_command("generate_national_round", "--applications", "3")
    assert "3 applications and 180 answers" in capsys.readouterr().out
