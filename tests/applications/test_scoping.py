import pytest

from gecc.applications.domain import add_review_comment
from gecc.applications.models import Answer, Application, ReviewComment
from tests.applications.factories import make_application
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_coordinator(make_user):
    return make_user("coordinator")


@pytest.fixture
def other_application(round_obj, other_coordinator):
    return make_application(round_obj, ServiceUnitFactory(coordinators=[other_coordinator]),
                            other_coordinator)


def test_coordinator_sees_only_their_units_applications(application, other_application,
                                                        coordinator, other_coordinator):
    assert list(Application.objects.visible_to(coordinator)) == [application]
    assert list(Application.objects.visible_to(other_coordinator)) == [other_application]
    assert set(Answer.objects.visible_to(coordinator).values_list("application", flat=True)) \
        == {application.pk}


def test_coordinator_of_another_unit_has_no_permission(application, other_coordinator,
                                                       coordinator):
    assert other_coordinator.has_perm("applications.view_application", application) is False
    assert other_coordinator.has_perm("applications.change_application", application) is False
    assert other_coordinator.has_perm("applications.apply_for_unit", application.unit) is False
    assert coordinator.has_perm("applications.view_application", application) is True
    assert coordinator.has_perm("applications.change_application", application) is True
    assert coordinator.has_perm("applications.apply_for_unit", application.unit) is True
    assert coordinator.has_perm("applications.review_application", application) is False


def test_change_permission_ends_when_submitted(application, coordinator):
    Application.objects.filter(pk=application.pk).update(state="submitted")
    application.refresh_from_db()
    assert coordinator.has_perm("applications.view_application", application) is True
    assert coordinator.has_perm("applications.change_application", application) is False


def test_secretariat_sees_every_application(make_user, application, other_application):
    user = make_user("secretariat")
    assert set(Application.objects.visible_to(user)) == {application, other_application}
    assert user.has_perm("applications.view_application", application) is True
    assert user.has_perm("applications.change_application", application) is False


@pytest.mark.parametrize("role", ["steering", "assessor"])
def test_steering_and_members_never_see_drafts(role, make_user, application,
                                               other_application):
    """Drafts are the unit's own business: the steering committee sees only what is proposed
    to it, a sub-committee member only their team's assignments (tests/scoping)."""
    user = make_user(role)
    assert list(Application.objects.visible_to(user)) == []
    assert user.has_perm("applications.view_application", application) is False
    assert list(Answer.objects.visible_to(user)) == []


def test_steering_sees_accepted_applications_but_not_their_comments(
        make_user, application, other_application, secretariat):
    Application.objects.filter(pk=application.pk).update(state="accepted")
    add_review_comment(application, secretariat, "ครบถ้วน")
    steering = make_user("steering")
    assert list(Application.objects.visible_to(steering)) == [application]
    assert steering.has_perm("applications.view_application", application) is True
    assert steering.has_perm("applications.view_application", other_application) is False
    assert list(ReviewComment.objects.visible_to(steering)) == []
    assert steering.has_perm("applications.change_application", application) is False


def test_user_without_a_role_sees_nothing(make_user, application):
    user = make_user()
    assert list(Application.objects.visible_to(user)) == []
    assert user.has_perm("applications.view_application", application) is False


def test_review_comments_of_another_unit_do_not_leak(application, other_application,
                                                     other_coordinator, secretariat):
    add_review_comment(application, secretariat, "แก้ไขข้อมูลผู้ประสานงาน")
    assert list(ReviewComment.objects.visible_to(other_coordinator)) == []
    assert ReviewComment.objects.visible_to(secretariat).count() == 1
