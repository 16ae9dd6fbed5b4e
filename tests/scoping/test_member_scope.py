"""Who sees which application and what hangs on it: the sub-committee member's scope
(``gecc.committees.scoping``, registered through ``gecc.applications.scoping``), the steering
committee's, and the files, answers, receipts and comments that follow them."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gecc.accounts.enums import Role
from gecc.applications import scoping
from gecc.applications.models import Answer, Application, ReviewComment, Submission
from gecc.committees.enums import AssignmentState, ConflictKind
from gecc.committees.models import Assignment, Conflict
from gecc.committees.scoping import assessor_application_scope, register
from gecc.evidence.models import EvidenceFile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def seen(world, person, model=Application):
    """The world's target names whose application ``person`` sees through ``model``."""
    user = world.people[person] if isinstance(person, str) else person
    by_pk = {target.application.pk: name for name, target in world.targets.items()}
    path = {Application: "pk", EvidenceFile: "answer__application_id"}.get(
        model, "application_id")
    ids = model.objects.visible_to(user).values_list(path, flat=True)
    return {by_pk[pk] for pk in ids}


ALL_FIVE = {"assigned", "draft", "other_team", "proposed", "submitted"}
ACCEPTED = {"assigned", "other_team", "proposed"}


@pytest.mark.parametrize("person,expected", [
    ("secretariat", ALL_FIVE),
    ("assessor", {"assigned"}),
    ("conflicted", set()),
    ("other_member", {"other_team"}),
    ("coordinator", {"assigned"}),
    ("draft_coordinator", {"draft"}),
    ("steering", ACCEPTED),
])
def test_applications_each_person_sees(world, person, expected):
    assert seen(world, person) == expected


@pytest.mark.parametrize("person,expected", [
    ("secretariat", ALL_FIVE),
    ("assessor", {"assigned"}),
    ("conflicted", set()),
    ("other_member", {"other_team"}),
    ("coordinator", {"assigned"}),
    ("draft_coordinator", {"draft"}),
    ("steering", set()),  # never an evidence file
])
def test_evidence_files_each_person_sees(world, person, expected):
    assert seen(world, person, EvidenceFile) == expected


@pytest.mark.parametrize("model,steering", [
    (Answer, ACCEPTED), (Submission, ACCEPTED), (ReviewComment, set()),
])
def test_rows_of_an_application_follow_its_scope(world, model, steering):
    drafts_rows = {"draft"} if model is Answer else set()  # a draft has no receipt/comment
    assert seen(world, "secretariat", model) == ACCEPTED | {"submitted"} | drafts_rows
    assert seen(world, "assessor", model) == {"assigned"}
    assert seen(world, "conflicted", model) == set()
    assert seen(world, "steering", model) == steering
    assert seen(world, "draft_coordinator", model) == drafts_rows


def test_a_draft_is_never_seen_by_a_member_even_when_assigned(world):
    draft = world.application("draft")
    Assignment.objects.create(round=world.round, application=draft,
                              subcommittee=world.teams[1], state=AssignmentState.CONFIRMED)
    assert seen(world, "assessor") == {"assigned"}


def test_confirming_the_proposed_assignment_shows_it(world):
    Assignment.objects.filter(application=world.application("proposed")).update(
        state=AssignmentState.CONFIRMED)
    assert seen(world, "assessor") == {"assigned", "proposed"}


def test_an_overridden_conflict_no_longer_hides(world):
    Conflict.objects.filter(pk=world.conflict.pk).update(
        overridden_at=timezone.now(), overridden_by=world.people["secretariat"],
        override_reason="ย้ายสังกัดแล้ว")
    assert seen(world, "conflicted") == {"assigned"}


@pytest.mark.parametrize("target", ["unit", "organization"])
def test_a_conflict_on_the_unit_or_its_organisation_hides(world, target):
    member = world.people["assessor"]
    unit = world.units["A"]
    Conflict.objects.create(round=world.round, user=member, kind=ConflictKind.DECLARED,
                            **({"unit": unit} if target == "unit"
                               else {"organization": unit.organization}))
    assert seen(world, "assessor") == set()
    assert seen(world, "assessor", EvidenceFile) == set()


def test_a_conflict_in_another_round_does_not_hide(world):
    Conflict.objects.create(round=world.old_round, user=world.people["assessor"],
                            unit=world.units["A"], kind=ConflictKind.DECLARED)
    assert seen(world, "assessor") == {"assigned"}


def test_another_members_conflict_does_not_hide(world):
    # The conflicted member is on the same team: only they lose the application.
    assert seen(world, "assessor") == {"assigned"}
    assert seen(world, "conflicted") == set()


def test_without_a_registration_members_see_nothing(world, monkeypatch):
    monkeypatch.setattr(scoping, "_registered", {})
    assert seen(world, "assessor") == set()
    assert seen(world, "assessor", EvidenceFile) == set()
    assert seen(world, "steering") == ACCEPTED  # the default scope stays


def test_register_replaces_and_refuses_the_apps_own_roles(monkeypatch):
    monkeypatch.setattr(scoping, "_registered", {})
    register()
    register()
    assert scoping._registered == {Role.ASSESSOR: assessor_application_scope}
    with pytest.raises(ValueError):
        scoping.register_role_scope(Role.SECRETARIAT, assessor_application_scope)
    scoping.unregister_role_scope(Role.ASSESSOR)
    assert scoping._registered == {}


def test_two_roles_see_the_union(world):
    both = UserFactory(roles=[Role.ASSESSOR, Role.COORDINATOR])
    world.units["D"].coordinators.add(both)
    from gecc.committees.models import Membership

    Membership.objects.create(subcommittee=world.teams[2], user=both)
    assert seen(world, both) == {"other_team", "proposed"}
    assert seen(world, both, EvidenceFile) == {"other_team", "proposed"}


@pytest.mark.parametrize("person", ["assessor", "steering", "coordinator"])
def test_scoped_lists_need_no_distinct_and_one_query(world, person):
    user = world.people[person]
    assert user.roles  # read once, as in a request
    for model in (Application, Answer, Submission, ReviewComment, EvidenceFile):
        queryset = model.objects.visible_to(user)
        if queryset.query.is_empty():  # none(): the role sees no such row, no query at all
            assert model in (EvidenceFile, ReviewComment) and person == "steering"
            continue
        assert "DISTINCT" not in str(queryset.query)
        with CaptureQueriesContext(connection) as queries:
            list(queryset)
        assert len(queries) == 1


def test_object_permissions_agree_with_the_scope(world):
    people, targets = world.people, world.targets
    for person in ("secretariat", "assessor", "conflicted", "other_member", "coordinator",
                   "steering"):
        visible = seen(world, person)
        files = seen(world, person, EvidenceFile)
        for name, target in targets.items():
            user = people[person]
            assert user.has_perm("applications.view_application", target.application) \
                is (name in visible), (person, name)
            assert user.has_perm("evidence.view_evidence", target.evidence) \
                is (name in files), (person, name)
            assert user.has_perm("evidence.view_evidence", target.answer) \
                is (name in files), (person, name)


def test_review_comment_permission_follows_the_scope(world):
    people, assigned = world.people, world.application("assigned")
    assert people["assessor"].has_perm("applications.view_review_comments", assigned)
    assert not people["conflicted"].has_perm("applications.view_review_comments", assigned)
    assert not people["steering"].has_perm("applications.view_review_comments", assigned)


def test_committees_app_registers_the_member_scope_at_startup():
    """Django's start-up alone (``CommitteesConfig.ready``) registers the scope: checked in a
    fresh interpreter, where no test module imported ``gecc.committees.scoping``."""
    code = ("import django; django.setup(); "
            "from gecc.applications.scoping import _registered; "
            "from gecc.accounts.enums import Role; "
            "fn = _registered.get(Role.ASSESSOR); "
            "print(f'{fn.__module__}.{fn.__name__}' if fn else 'none')")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gecc.settings", "DEBUG": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert result.stdout.strip() == "gecc.committees.scoping.assessor_application_scope", \
        result.stderr[-2000:]
