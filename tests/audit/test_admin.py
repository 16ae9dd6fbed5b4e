"""The audit log in the admin site can be read and never written."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.accounts.models import User
from gecc.audit.models import AuditEntry
from tests.audit.factories import make_entry
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root@example.go.th", "pw")


@pytest.fixture
def admin_client(client, superuser):
    TOTPDevice.objects.create(user=superuser, name="test", confirmed=True)
    sign_in(client, superuser)  # the admin site needs a verified second factor
    return client


@pytest.fixture
def entry(superuser):
    return make_entry("user.created", actor=superuser, obj=superuser,
                      after={"email": superuser.email})


def test_audit_admin_denies_add_change_and_delete_even_to_a_superuser(superuser, entry):
    model_admin = admin.site._registry[AuditEntry]
    request = RequestFactory().get("/")
    request.user = superuser
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_change_permission(request, entry) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, entry) is False
    assert model_admin.has_view_permission(request, entry) is True
    assert "delete_selected" not in model_admin.get_actions(request)


def test_audit_admin_list_and_entry_are_readable(admin_client, entry):
    assert admin_client.get("/django-admin/audit/auditentry/").status_code == 200
    response = admin_client.get(f"/django-admin/audit/auditentry/{entry.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_audit_admin_add_change_and_delete_are_refused(admin_client, entry):
    change_url = f"/django-admin/audit/auditentry/{entry.pk}/change/"
    assert admin_client.get("/django-admin/audit/auditentry/add/").status_code == 403
    assert admin_client.post(change_url, {"action": "user.deleted"}).status_code == 403
    delete_url = f"/django-admin/audit/auditentry/{entry.pk}/delete/"
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = admin_client.post("/django-admin/audit/auditentry/",
                             {"action": "delete_selected", "_selected_action": [entry.pk],
                              "post": "yes"})
    assert bulk.status_code in (200, 302)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.action == "user.created"
    assert AuditEntry.objects.count() == 1
