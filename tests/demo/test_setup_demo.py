import pytest
from django.core.management import call_command

from gecc.accounts.models import User
from gecc.criteria.models import EditionVersion
from gecc.registry.models import Organization, ServiceUnit


def counts():
    return (User.objects.count(), ServiceUnit.objects.count(), Organization.objects.count(),
            EditionVersion.objects.count())


@pytest.mark.django_db
def test_setup_demo_twice_creates_nothing_more(capsys):
    call_command("setup_demo")
    first = counts()
    call_command("setup_demo")
    assert counts() == first
    users, units, _, editions = first
    assert (users, units, editions) == (4, 8, 1)
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
