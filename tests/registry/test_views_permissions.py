"""Every registry screen × every role: anonymous → sign-in page; a coordinator sees only
their own unit, and another unit's address answers 404 (its existence is not revealed)."""

import pytest
from django.urls import reverse

from gecc.registry.enums import ImportKind
from gecc.registry.models import ImportJob
from tests.conftest import sign_in
from tests.registry.factories import OrganizationFactory, ServiceUnitFactory

ROLES = ("anonymous", "secretariat", "assessor", "steering", "coordinator-own",
         "coordinator-other")
OK, DENIED, LOGIN, GONE = 200, 403, 302, 404

# name → (url factory, expected status per role in ROLES order)
PAGES = {
    "unit.list": (lambda o: reverse("registry:unit.list"), (LOGIN, OK, OK, OK, OK, OK)),
    "unit.export": (lambda o: reverse("registry:unit.export"), (LOGIN, OK, OK, OK, OK, OK)),
    "unit.detail": (lambda o: reverse("registry:unit.detail", args=[o["unit"].code]),
                    (LOGIN, OK, OK, OK, OK, GONE)),
    "unit.update": (lambda o: reverse("registry:unit.update", args=[o["unit"].code]),
                    (LOGIN, OK, DENIED, DENIED, OK, GONE)),
    "unit.create": (lambda o: reverse("registry:unit.create"),
                    (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "unit.deactivate": (lambda o: reverse("registry:unit.deactivate", args=[o["unit"].code]),
                        (LOGIN, OK, DENIED, DENIED, DENIED, GONE)),
    "unit.invite": (lambda o: reverse("registry:unit.invite", args=[o["unit"].code]),
                    (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "unit.coordinator_remove": (
        lambda o: reverse("registry:unit.coordinator_remove",
                          args=[o["unit"].code, o["coordinator"].pk]),
        (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "organization.list": (lambda o: reverse("registry:organization.list"),
                          (LOGIN, OK, OK, OK, OK, OK)),
    "organization.detail": (
        lambda o: reverse("registry:organization.detail", args=[o["unit"].organization_id]),
        (LOGIN, OK, OK, OK, OK, GONE)),
    "organization.create": (lambda o: reverse("registry:organization.create"),
                            (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "organization.update": (
        lambda o: reverse("registry:organization.update", args=[o["unit"].organization_id]),
        (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "organization.deactivate": (
        lambda o: reverse("registry:organization.deactivate",
                          args=[o["unit"].organization_id]),
        (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "import.create": (lambda o: reverse("registry:import.create"),
                      (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "import.detail": (lambda o: reverse("registry:import.detail", args=[o["job"].pk]),
                      (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "import.errors": (lambda o: reverse("registry:import.errors", args=[o["job"].pk, "csv"]),
                      (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "import.template": (lambda o: reverse("registry:import.template", args=["units", "csv"]),
                        (LOGIN, OK, DENIED, DENIED, DENIED, DENIED)),
    "geo.options": (lambda o: reverse("registry:geo.options") + "?province=51",
                    (LOGIN, OK, OK, OK, OK, OK)),
}

CASES = [(name, role, expected[i]) for name, (_url, expected) in PAGES.items()
         for i, role in enumerate(ROLES)]


@pytest.fixture
def objects(make_user):
    coordinator = make_user("coordinator")
    unit = ServiceUnitFactory(coordinators=[coordinator])
    job = ImportJob.objects.create(kind=ImportKind.UNITS, original_name="units.csv",
                                   file="registry/imports/none.csv",
                                   errors=[{"row": 2, "column": "postcode",
                                            "message": "bad", "value": "1"}],
                                   status="failed", progress=100)
    return {"unit": unit, "coordinator": coordinator, "job": job}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_registry_page_permission(client, login_as, objects, name, role, expected):
    if role == "coordinator-own":
        user = objects["coordinator"]
        sign_in(client, user)
    elif role == "coordinator-other":
        user = login_as("coordinator")
        ServiceUnitFactory(organization=OrganizationFactory(), coordinators=[user])
    elif role != "anonymous":
        login_as(role)
    response = client.get(PAGES[name][0](objects))
    assert response.status_code == expected
    if expected == LOGIN:
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_registry_pages_refuse_a_user_without_roles(client, login_as, objects):
    login_as()
    assert client.get(reverse("registry:unit.list")).status_code == DENIED
