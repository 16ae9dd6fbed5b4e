"""RoleScopedQuerySet.visible_to, defined through a real model: the audit log.

The secretariat sees every entry; every other role sees only the entries its user made.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from gecc.accounts.enums import Role
from gecc.accounts.scoping import RoleScopedQuerySet
from gecc.audit.models import AuditEntry
from tests.audit.factories import make_entry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return {
        "secretariat": make_user(Role.SECRETARIAT),
        "coordinator": make_user(Role.COORDINATOR),
        "assessor": make_user(Role.ASSESSOR),
    }


@pytest.fixture
def entries(people):
    return {name: make_entry(f"{name}.acted", actor=user) for name, user in people.items()} | {
        "system": make_entry("system.ran"),
    }


def visible_actions(user):
    return set(AuditEntry.objects.visible_to(user).values_list("action", flat=True))


ALL_ACTIONS = {"secretariat.acted", "coordinator.acted", "assessor.acted", "system.ran"}


def test_visible_to_secretariat_sees_every_entry(people, entries):
    assert visible_actions(people["secretariat"]) == ALL_ACTIONS


def test_visible_to_coordinator_sees_only_their_own_entries(people, entries):
    assert visible_actions(people["coordinator"]) == {"coordinator.acted"}


def test_visible_to_assessor_sees_only_their_own_entries(people, entries):
    assert visible_actions(people["assessor"]) == {"assessor.acted"}


def test_visible_to_anonymous_user_sees_nothing(entries):
    assert visible_actions(AnonymousUser()) == set()
    assert visible_actions(None) == set()


def test_visible_to_user_without_roles_sees_nothing_not_even_their_own(make_user, entries):
    nobody = make_user()
    make_entry("nobody.acted", actor=nobody)
    assert visible_actions(nobody) == set()


def test_visible_to_superuser_sees_every_entry(entries):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert visible_actions(admin) == ALL_ACTIONS


def test_visible_to_inactive_user_sees_nothing(people, entries):
    secretariat = people["secretariat"]
    secretariat.is_active = False
    secretariat.save(update_fields=["is_active"])
    secretariat = type(secretariat).objects.get(pk=secretariat.pk)
    assert visible_actions(secretariat) == set()


def test_visible_to_inactive_superuser_sees_nothing(entries):
    admin = UserFactory(is_superuser=True, is_active=False)
    assert visible_actions(admin) == set()


def test_visible_to_user_with_two_roles_gets_the_union(make_user, people, entries):
    both = make_user(Role.COORDINATOR, Role.ASSESSOR)
    make_entry("both.acted", actor=both)
    # Neither role alone shows other people's entries, so the union is still just their own.
    assert visible_actions(both) == {"both.acted"}


def test_visible_to_coordinator_who_is_also_secretariat_sees_everything(make_user, entries):
    both = make_user(Role.COORDINATOR, Role.SECRETARIAT)
    make_entry("both.acted", actor=both)
    assert visible_actions(both) == ALL_ACTIONS | {"both.acted"}


def test_visible_to_returns_a_queryset_that_can_be_filtered_further(people, entries):
    visible = AuditEntry.objects.visible_to(people["secretariat"]).filter(action__startswith="co")
    assert list(visible.values_list("action", flat=True)) == ["coordinator.acted"]


class TwoScopeQuerySet(RoleScopedQuerySet):
    """Scopes that differ per role, on the real audit table: a coordinator sees what they
    did, an assessor sees every site-visit entry, a steering member sees nothing."""

    def role_scope(self, role, user):
        if role == Role.COORDINATOR:
            return Q(actor=user)
        if role == Role.ASSESSOR:
            return Q(action__startswith="visit.")
        return None


def two_scope_actions(user):
    return set(TwoScopeQuerySet(model=AuditEntry).visible_to(user)
               .values_list("action", flat=True))


def test_visible_to_two_roles_with_different_scopes_gets_their_union(make_user):
    coordinator_and_assessor = make_user(Role.COORDINATOR, Role.ASSESSOR)
    other = make_user(Role.COORDINATOR)
    make_entry("unit.updated", actor=coordinator_and_assessor)
    make_entry("visit.scheduled", actor=other)
    make_entry("unit.updated.other", actor=other)

    assert two_scope_actions(make_user(Role.COORDINATOR)) == set()
    assert two_scope_actions(other) == {"visit.scheduled", "unit.updated.other"}
    assert two_scope_actions(make_user(Role.ASSESSOR)) == {"visit.scheduled"}
    assert two_scope_actions(coordinator_and_assessor) == {"unit.updated", "visit.scheduled"}


def test_visible_to_role_without_a_scope_adds_nothing(make_user):
    coordinator_and_steering = make_user(Role.COORDINATOR, Role.STEERING)
    make_entry("unit.updated", actor=coordinator_and_steering)
    make_entry("visit.scheduled")
    assert two_scope_actions(coordinator_and_steering) == {"unit.updated"}
    assert two_scope_actions(make_user(Role.STEERING)) == set()
