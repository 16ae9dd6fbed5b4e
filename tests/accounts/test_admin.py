"""The Django admin lists and edits users by email, with their roles."""

import pytest

from gecc.accounts.models import RoleGrant, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user(is_staff=True, is_superuser=True, email="admin@example.go.th")
    client.force_login(admin)
    return client


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
