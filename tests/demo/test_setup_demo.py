import pytest
from django.core.management import call_command

from gecc.accounts.models import User
from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.criteria.models import EditionVersion
from gecc.registry.models import Organization, ServiceUnit


def counts():
    return (User.objects.count(), ServiceUnit.objects.count(), Organization.objects.count(),
            EditionVersion.objects.count(), Application.objects.count())


@pytest.mark.django_db
def test_setup_demo_twice_creates_nothing_more(capsys):
    call_command("setup_demo")
    first = counts()
    call_command("setup_demo")
    assert counts() == first
    users, units, _, editions, applications = first
    # The four role logins, ten placeholder members of sub-committees 4, 5 and 6 of 2563 and
    # two of the field round's sub-committee 1; the eight 2563 applications, the field
    # round's three and the one of the historical 2559 round (its certificate has expired).
    assert (users, units, editions, applications) == (16, 8, 1, 12)
    out = capsys.readouterr().out
    assert "secretariat@demo.gecc.local" in out
    assert "gecc-demo-2563" in out


@pytest.mark.django_db
def test_demo_coordinator_coordinates_the_eight_lamphun_units():
    call_command("setup_demo")
    coordinator = User.objects.get(email="coordinator@demo.gecc.local")
    units = ServiceUnit.objects.visible_to(coordinator)
    assert units.count() == 8
    assert set(units.values_list("province__name_th", flat=True)) == {"ลำพูน"}


@pytest.mark.django_db
def test_demo_round_2563_has_the_lamphun_applications_accepted():
    call_command("setup_demo")
    applications = Application.objects.filter(round__year=2563)
    assert applications.count() == 8
    assert set(applications.values_list("state", flat=True)) == {ApplicationState.ACCEPTED}
    assert all(application.answers.exclude(self_score=None).exists()
               for application in applications)
    assert all(entry["checked"] for application in applications
               for entry in application.screening.values())
    assert all(application.screening for application in applications)


@pytest.mark.django_db
def test_demo_applications_carry_evidence_for_their_mandatory_items(settings, tmp_path):
    from gecc.evidence.models import EvidenceFile

    settings.MEDIA_ROOT = tmp_path
    call_command("setup_demo")
    files = EvidenceFile.objects.filter(answer__application__round__year=2563)
    mandatory = Application.objects.filter(round__year=2563, answers__item__mandatory=True)
    assert files.count() == mandatory.count() > 0
    assert set(files.values_list("kind", flat=True)) == {"png"}
    assert not files.filter(answer__item__mandatory=False).exists()
    first = files.select_related("answer__item").first()
    assert first.original_name == f"ภาพประกอบ {first.answer.item.ref}.png"
    with first.file.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    call_command("setup_demo")
    assert files.count() == mandatory.count()


@pytest.mark.django_db
def test_demo_has_a_round_open_for_applications_today(client):
    from django.utils import timezone

    from gecc.rounds.models import Round

    call_command("setup_demo")
    call_command("setup_demo")
    year = timezone.localdate().year + 543
    open_round = Round.objects.get(year=year)
    assert open_round.accepting_applications(timezone.now())
    coordinator = User.objects.get(email="coordinator@demo.gecc.local")
    client.force_login(coordinator)
    page = client.get("/portal/").content.decode()
    assert open_round.name in page
