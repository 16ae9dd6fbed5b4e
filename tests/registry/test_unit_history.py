"""The unit and organisation pages show their history once (one "ประวัติ" box, not a box
inside a box), and an import's change to a unit appears in that unit's history, whether the
import ran in the request or in the background."""

import pytest
from django.urls import reverse

from gecc.audit.domain import log_action
from gecc.registry.models import ServiceUnit
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory
from tests.registry.helpers import csv_text, unit_row
from tests.registry.test_import_audit import import_through_the_page

pytestmark = pytest.mark.django_db

HISTORY_HEADING = "<h2>ประวัติ</h2>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def secretariat(login_as):
    return login_as("secretariat")


def test_unit_page_has_one_history_box(client, secretariat):
    unit = ServiceUnitFactory()
    log_action("unit.updated", actor=secretariat, obj=unit, before={"phone": ""},
               after={"phone": "053 511 000"})
    html = client.get(reverse("registry:unit.detail", args=[unit.code])).content.decode()
    assert html.count(HISTORY_HEADING) == 1
    assert html.count('class="panel audit-history"') == 1
    history = html.split('data-testid="unit-history"')[1]
    assert "<code>unit.updated</code>" in history


def test_organisation_page_has_one_history_box(client, secretariat):
    organization = OrganizationFactory()
    html = client.get(reverse("registry:organization.detail", args=[organization.pk])
                      ).content.decode()
    assert html.count(HISTORY_HEADING) == 1


@pytest.mark.parametrize("background", [False, True], ids=["in-request", "background"])
def test_a_unit_created_by_an_import_shows_it_in_its_history(client, secretariat, settings,
                                                              background):
    if background:
        settings.REGISTRY_IMPORT_BACKGROUND_ROWS = 1  # a Celery task applies the file
    OrganizationFactory(code="BAAC", name_th="ธ.ก.ส.")
    import_through_the_page(client, csv_text([unit_row()]).encode("utf-8"))
    unit = ServiceUnit.objects.get(code="LPN-BAAC-01")
    html = client.get(reverse("registry:unit.detail", args=[unit.code])).content.decode()
    history = html.split('data-testid="unit-history"')[1]
    assert history.count("<code>unit.imported</code>") == 1
    assert html.count(HISTORY_HEADING) == 1
