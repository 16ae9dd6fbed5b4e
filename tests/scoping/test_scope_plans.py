"""Row scopes are semi-joins: no scoped query repeats rows, needs DISTINCT or joins along a
to-many relation, so the database plans a scoped lookup as cheaply as an unscoped one.

Checked for every model whose manager is a ``RoleScopedQuerySet`` and every role, on the
world of ``tests/scoping/world.py``; the plans of the portal's two lookups (an answer, an
application) are read from the database itself (PostgreSQL: ``EXPLAIN``'s estimated cost
and node types; SQLite: ``EXPLAIN QUERY PLAN``)."""

import json

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import ForeignObjectRel

from gecc.accounts.enums import Role
from gecc.accounts.scoping import RoleScopedQuerySet
from gecc.applications.models import Answer, Application
from gecc.registry.models import Organization, ServiceUnit
from gecc.registry.models.service_unit import remember_coordinated_units
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db

SCOPED_MODELS = sorted(
    (model for model in apps.get_models()
     if isinstance(model._default_manager.all(), RoleScopedQuerySet)),
    key=lambda model: model._meta.label)

# The people of the world, one per role (the conflicted member is a second assessor).
PEOPLE = {Role.SECRETARIAT: "secretariat", Role.COORDINATOR: "coordinator",
          Role.ASSESSOR: "assessor", Role.STEERING: "steering"}


def to_many_joins(queryset):
    """The joins of the outer query that follow a relation from the one side to the many
    side (a reverse foreign key, or a many-to-many): each may repeat a row."""
    return [join.table_name for join in queryset.query.alias_map.values()
            if isinstance(getattr(join, "join_field", None), ForeignObjectRel)]


def test_every_scoped_model_is_checked():
    labels = {model._meta.label for model in SCOPED_MODELS}
    assert {"registry.ServiceUnit", "registry.Organization", "committees.SubCommittee",
            "committees.Assignment", "visits.Itinerary", "visits.Visit",
            "applications.Application", "applications.Answer",
            "evidence.EvidenceFile"} <= labels


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda model: model._meta.label)
def test_no_scope_repeats_rows_or_needs_distinct(world, model):
    for role, name in PEOPLE.items():
        user = world.people[name]
        queryset = model._default_manager.visible_to(user)
        if queryset.query.is_empty():  # the role sees none of these
            continue
        sql = str(queryset.query).upper()
        assert not queryset.query.distinct, (model, role)
        assert "DISTINCT" not in sql, (model, role)
        assert to_many_joins(queryset) == [], (model, role)
        rows = list(queryset.values_list("pk", flat=True))
        assert len(rows) == len(set(rows)), (model, role)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda model: model._meta.label)
def test_remembered_units_scope_the_same_rows(world, model):
    """A portal request reads the coordinator's units once (``remember_coordinated_units``)
    and every scope then names them as a list: the same rows as the semi-join, still
    without DISTINCT or a to-many join."""
    coordinator = world.people["coordinator"]
    ServiceUnitFactory(organization=world.units["A"].organization,
                       coordinators=[coordinator])
    read_now = set(model._default_manager.visible_to(coordinator).values_list("pk", flat=True))
    remember_coordinated_units(coordinator)
    queryset = model._default_manager.visible_to(coordinator)
    if not queryset.query.is_empty():
        assert "DISTINCT" not in str(queryset.query).upper()
        assert to_many_joins(queryset) == []
    rows = list(queryset.values_list("pk", flat=True))
    assert len(rows) == len(set(rows))
    assert set(rows) == read_now


def test_a_coordinator_of_two_units_of_one_organisation_sees_it_once(world):
    coordinator = world.people["coordinator"]
    unit = world.units["A"]
    ServiceUnitFactory(organization=unit.organization, coordinators=[coordinator])

    assert ServiceUnit.objects.visible_to(coordinator).count() == 2
    assert list(Organization.objects.visible_to(coordinator)) == [unit.organization]


def portal_lookups(world, remembered=False):
    """The portal's two scoped lookups, as its views write them (``portal.views.base``),
    with the coordinator's units read for the request (as the portal does) or not."""
    coordinator = world.people["coordinator"]
    if remembered:
        remember_coordinated_units(coordinator)
    application = world.application("assigned")
    answer = application.answers.order_by("pk").first()
    return {
        "answer": Answer.objects.visible_to(coordinator).select_related(
            "item", "item__parent", "item__parent__parent", "application",
            "application__round", "application__round__edition", "application__unit")
        .filter(pk=answer.pk),
        "application": Application.objects.visible_to(coordinator).select_related(
            "round", "round__edition", "unit", "unit__organization").filter(pk=application.pk),
    }


def plan_nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


@pytest.mark.parametrize("remembered", [False, True], ids=["semi-join", "remembered"])
@pytest.mark.parametrize("lookup", ["answer", "application"])
def test_the_portal_lookups_plan_cheaply(world, lookup, remembered):
    queryset = portal_lookups(world, remembered)[lookup]
    assert queryset.count() == 1
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            document = cursor.fetchone()[0]
            plan = (document if isinstance(document, list) else json.loads(document))[0]["Plan"]
            kinds = {node["Node Type"] for node in plan_nodes(plan)}
            # No de-duplication step, and an estimated cost of a few index lookups: 32 and
            # 31 on the test database (a DISTINCT over the joins was several times that).
            assert not kinds & {"Unique", "HashAggregate", "SetOp"}, kinds
            assert plan["Total Cost"] < 100, plan["Total Cost"]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            steps = " | ".join(row[-1] for row in cursor.fetchall())
            # Every table found by its key or an index, none scanned, nothing de-duplicated.
            assert "DISTINCT" not in steps.upper(), steps
            assert all(step.startswith(("SEARCH", "CORRELATED", "USE TEMP B-TREE FOR ORDER"))
                       for step in steps.split(" | ")), steps
