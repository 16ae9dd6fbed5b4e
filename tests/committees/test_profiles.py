"""The assessor pool's domain: creating and changing a profile (audited with before/after),
the home province every member needs, and the account made for a new person."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gecc.accounts.enums import Role
from gecc.accounts.models import User
from gecc.audit.models import AuditEntry
from gecc.committees.domain.profiles import (
    create_profile,
    ensure_assessor_user,
    update_profile,
)
from gecc.committees.models import AssessorProfile
from gecc.geography.models import Province
from gecc.notifications.models import OutboxMessage
from tests.committees.factories import AssessorFactory
from tests.registry.factories import OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def lamphun():
    return Province.objects.get(code="51")


def entries(code):
    return list(AuditEntry.objects.filter(action=code).order_by("pk"))


def test_create_profile_is_audited_with_the_values(make_user, secretariat, lamphun):
    user = make_user("assessor")
    org = OrganizationFactory()
    profile = create_profile(user, actor=secretariat, affiliation=org, home_province=lamphun,
                             expertise=[" การบริการ ", "การบริการ", "ไอที"], phone="053 511 234",
                             max_visits_per_day=3,
                             unavailable_dates=[datetime.date(2026, 6, 9), "2026-06-08"])
    assert profile.expertise == ["การบริการ", "ไอที"]
    assert profile.unavailable_dates == ["2026-06-08", "2026-06-09"]
    [entry] = entries("assessor.created")
    assert entry.actor == secretariat
    assert entry.object_id == str(profile.pk)
    assert entry.data["after"]["home_province"] == "51"
    assert entry.data["after"]["affiliation"] == org.pk
    assert entry.data["email"] == user.email


def test_update_profile_records_only_the_changed_fields(secretariat):
    profile = AssessorFactory(max_visits_per_day=4, phone="")
    update_profile(profile, actor=secretariat, max_visits_per_day=2, phone="")
    [entry] = entries("assessor.updated")
    assert entry.data["before"] == {"max_visits_per_day": 4}
    assert entry.data["after"] == {"max_visits_per_day": 2}
    profile.refresh_from_db()
    assert profile.max_visits_per_day == 2


def test_update_without_a_change_writes_no_entry(secretariat):
    profile = AssessorFactory()
    update_profile(profile, actor=secretariat, max_visits_per_day=profile.max_visits_per_day)
    assert entries("assessor.updated") == []


def test_a_profile_without_home_province_is_refused_in_thai(make_user, secretariat):
    user = make_user("assessor")
    with pytest.raises(ValidationError) as error:
        create_profile(user, actor=secretariat, home_province=None)
    assert "จังหวัดที่พักอาศัย" in error.value.message_dict["home_province"][0]
    assert not AssessorProfile.objects.exists()
    assert entries("assessor.created") == []


def test_removing_the_home_province_is_refused_and_nothing_changes(secretariat):
    profile = AssessorFactory()
    with pytest.raises(ValidationError):
        update_profile(profile, actor=secretariat, home_province=None, phone="053 000 000")
    profile.refresh_from_db()
    assert profile.home_province_id == "51"
    assert profile.phone == ""


@pytest.mark.parametrize(("values", "field"), [
    ({"affiliation_text": "มหาวิทยาลัยเชียงใหม่", "with_org": True}, "affiliation_text"),
    ({"phone": "abc"}, "phone"),
    ({"max_visits_per_day": 0}, "max_visits_per_day"),
    ({"max_visits_per_day": 11}, "max_visits_per_day"),
    ({"unavailable_dates": ["not a date"]}, "unavailable_dates"),
])
def test_bad_values_are_refused_by_field(make_user, lamphun, values, field):
    values = dict(values)
    if values.pop("with_org", False):
        values["affiliation"] = OrganizationFactory()
    with pytest.raises(ValidationError) as error:
        create_profile(make_user("assessor"), home_province=lamphun, **values)
    assert field in error.value.message_dict


def test_a_person_is_in_the_pool_once(lamphun):
    profile = AssessorFactory()
    with pytest.raises(ValidationError) as error:
        create_profile(profile.user, home_province=lamphun)
    assert "อยู่ในบัญชีรายชื่อผู้ตรวจประเมินแล้ว" in error.value.messages[0]


def test_a_new_person_gets_an_account_with_the_role_and_an_invitation(secretariat):
    user, created, granted = ensure_assessor_user("New.Person@Example.go.th", "นางสาวใหม่ ใจดี",
                                                  actor=secretariat)
    assert (created, granted) == (True, True)
    assert user.email == "new.person@example.go.th"
    assert not user.has_usable_password()
    assert user.has_role(Role.ASSESSOR)
    [message] = OutboxMessage.objects.filter(event="assessor.invited")
    assert message.to == ["new.person@example.go.th"]
    assert "บัญชีรายชื่อผู้ตรวจประเมิน" in message.body_text
    assert "http://testserver/accounts/" in message.body_text  # the set-password link


def test_an_existing_account_gets_the_role_and_keeps_its_name(make_user):
    existing = make_user("coordinator", full_name="นายเดิม")
    user, created, granted = ensure_assessor_user(existing.email.upper(), "ชื่ออื่น")
    assert (user.pk, created, granted) == (existing.pk, False, True)
    user.refresh_from_db()
    assert user.full_name == "นายเดิม"
    assert set(user.roles) == {Role.COORDINATOR, Role.ASSESSOR}


def test_an_assessor_already_in_role_is_not_invited_again(make_user):
    existing = make_user("assessor")
    ensure_assessor_user(existing.email)
    assert not OutboxMessage.objects.filter(event="assessor.invited").exists()
    assert User.objects.count() == 1
