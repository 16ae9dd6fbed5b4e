"""Inviting and removing unit coordinators."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from gecc.accounts.enums import Role
from gecc.accounts.models import User
from gecc.audit.models import AuditEntry
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db


def test_invite_creates_a_coordinator_account_and_emails_a_password_link(
        client, login_as, django_capture_on_commit_callbacks):
    login_as("secretariat")
    unit = ServiceUnitFactory(name_th="ศูนย์บริการร่วม บ้านโฮ่ง")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:unit.invite", args=[unit.code]),
                               {"email": "Somsri@Example.go.th", "full_name": "สมศรี ใจดี"})
    assert response.status_code == 302
    user = User.objects.get(email="somsri@example.go.th")
    assert user.full_name == "สมศรี ใจดี"
    assert user.has_usable_password() is False
    assert user.roles == {Role.COORDINATOR}
    assert list(unit.coordinators.all()) == [user]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["somsri@example.go.th"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = re.search(rf"http://testserver/accounts/password/reset/{uid}/([^/\s]+)/",
                      message.body).group(1)
    assert default_token_generator.check_token(user, token)  # made in an earlier second, too
    assert message.body.index("เรียน") < message.body.index("Dear")
    entry = AuditEntry.objects.get(action="unit.coordinator_invited")
    assert entry.data["after"] == {"coordinators": ["somsri@example.go.th"]}


def test_invite_of_an_existing_user_adds_the_role_and_sends_no_password_link(
        client, login_as, make_user, django_capture_on_commit_callbacks):
    login_as("secretariat")
    person = make_user("assessor", email="known@example.go.th")
    unit = ServiceUnitFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:unit.invite", args=[unit.code]),
                    {"email": "known@example.go.th"})
    assert User.objects.filter(email="known@example.go.th").count() == 1
    person = User.objects.get(pk=person.pk)
    assert person.roles == {Role.ASSESSOR, Role.COORDINATOR}
    assert person.has_usable_password() is True
    assert "/accounts/password/reset/" not in mail.outbox[0].body
    assert "/accounts/login/" in mail.outbox[0].body


def test_invite_with_a_bad_email_shows_the_error_and_keeps_the_input(client, login_as):
    login_as("secretariat")
    unit = ServiceUnitFactory()
    response = client.post(reverse("registry:unit.invite", args=[unit.code]),
                           {"email": "not-an-email", "full_name": "สมชาย"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert 'value="สมชาย"' in response.content.decode()
    assert not User.objects.filter(full_name="สมชาย").exists()


def test_remove_coordinator_after_confirmation(client, login_as, make_user):
    login_as("secretariat")
    person = make_user("coordinator", email="gone@example.go.th")
    unit = ServiceUnitFactory(coordinators=[person])
    url = reverse("registry:unit.coordinator_remove", args=[unit.code, person.pk])
    assert "gone@example.go.th" in client.get(url).content.decode()
    assert list(unit.coordinators.all()) == [person]
    assert client.post(url).status_code == 302
    assert list(unit.coordinators.all()) == []
    entry = AuditEntry.objects.get(action="unit.coordinator_removed")
    assert entry.data["before"] == {"coordinators": ["gone@example.go.th"]}
    assert User.objects.filter(pk=person.pk, is_active=True).exists()


def test_remove_of_someone_who_is_not_a_coordinator_is_404(client, login_as, make_user):
    login_as("secretariat")
    person = make_user("coordinator")
    unit = ServiceUnitFactory()
    url = reverse("registry:unit.coordinator_remove", args=[unit.code, person.pk])
    assert client.post(url).status_code == 404


def test_removed_coordinator_no_longer_sees_the_unit(client, login_as):
    user = login_as("coordinator")
    unit = ServiceUnitFactory(coordinators=[user])
    url = reverse("registry:unit.detail", args=[unit.code])
    assert client.get(url).status_code == 200
    unit.coordinators.remove(user)
    assert client.get(url).status_code == 404
