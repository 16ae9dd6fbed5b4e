"""The Django admin lists and edits users by email, with their roles."""

import pytest

from gecc.accounts.models import RoleGrant, User
from tests.conftest import sign_in

from .factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    """A superuser with a confirmed device and a verified session: the admin site, like
    the secretariat, needs the second factor."""
    admin = make_user(is_staff=True, is_superuser=True, email="admin@example.go.th")
    TOTPDeviceFactory(user=admin)
    sign_in(client, admin)
    return client


def test_admin_site_needs_the_second_factor_even_without_a_role(client, make_user):
    admin = make_user(is_staff=True, is_superuser=True, email="root@example.go.th")
    client.force_login(admin)  # password only
    response = client.get("/django-admin/accounts/user/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/otp/enrol/")


def test_admin_user_list_shows_email_and_roles(admin_client, make_user):
    make_user("assessor", email="somchai@example.go.th")
    response = admin_client.get("/django-admin/accounts/user/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "somchai@example.go.th" in content
    assert "อนุกรรมการตรวจประเมิน" in content


def test_admin_user_change_page_loads(admin_client, make_user):
    user = make_user("assessor")
    assert admin_client.get(f"/django-admin/accounts/user/{user.pk}/change/").status_code == 200


def test_admin_adds_user_by_email(admin_client):
    response = admin_client.post("/django-admin/accounts/user/add/", {
        "email": "New.Person@Example.go.th", "full_name": "คนใหม่",
        "usable_password": "true", "password1": "ศูนย์ราชการ-2568", "password2": "ศูนย์ราชการ-2568",
    })
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.go.th")
    assert user.check_password("ศูนย์ราชการ-2568")


def test_admin_refuses_duplicate_email_in_other_case(admin_client, make_user):
    make_user(email="dup@example.go.th")
    response = admin_client.post("/django-admin/accounts/user/add/", {
        "email": "DUP@example.go.th", "usable_password": "true",
        "password1": "ศูนย์ราชการ-2568", "password2": "ศูนย์ราชการ-2568",
    })
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="dup@example.go.th").count() == 1


def test_admin_role_grant_records_who_granted(admin_client, make_user):
    user = make_user()
    response = admin_client.post("/django-admin/accounts/rolegrant/add/",
                                 {"user": user.pk, "role": "steering"})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=user)
    assert grant.granted_by.email == "admin@example.go.th"


def test_admin_login_form_does_not_sign_in_with_the_password_alone(client, make_user, password):
    staff = make_user("assessor", is_staff=True, is_superuser=True, email="staff@example.go.th")
    TOTPDeviceFactory(user=staff)
    response = client.post("/django-admin/login/?next=/django-admin/",
                           {"username": staff.email, "password": password})
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/django-admin/"
    assert "_auth_user_id" not in client.session


def test_admin_login_page_sends_to_the_site_sign_in(client):
    response = client.get("/django-admin/")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/django-admin/"


def test_admin_login_refuses_an_outside_next(client):
    response = client.get("/django-admin/login/?next=https://evil.example/")
    assert response.url == "/accounts/login/?next=/django-admin/"


def test_admin_login_sends_a_signed_in_staff_member_on(admin_client):
    response = admin_client.get("/django-admin/login/?next=/django-admin/accounts/user/")
    assert response.status_code == 302
    assert response.url == "/django-admin/accounts/user/"


def test_admin_login_refuses_a_signed_in_user_without_admin_access(client, make_user):
    client.force_login(make_user("coordinator"))
    assert client.get("/django-admin/login/").status_code == 403


def test_admin_refuses_changing_an_email_to_another_users_in_other_case(admin_client, make_user):
    make_user(email="taken@example.go.th")
    user = make_user(email="mine@example.go.th")
    response = admin_client.post(f"/django-admin/accounts/user/{user.pk}/change/", {
        "email": "Taken@Example.go.th", "full_name": "", "phone": "", "preferred_language": "th",
        "is_active": "on", "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00",
        "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == "mine@example.go.th"
    assert User.objects.filter(email__iexact="taken@example.go.th").count() == 1
