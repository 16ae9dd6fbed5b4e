import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory

from gecc.accounts.models import User
from gecc.audit.domain import log_action, mask_secrets
from gecc.audit.domain.log import MASK
from gecc.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_log_action_writes_exactly_one_entry_with_actor_object_and_values(make_user):
    actor = make_user("secretariat", email="chair@example.go.th")
    target = make_user("coordinator", full_name="นายทดสอบ ระบบ")

    entry = log_action("user.updated", actor=actor, obj=target,
                       before={"full_name": "นายทดสอบ"}, after={"full_name": "นายทดสอบ ระบบ"},
                       data={"reason": "แก้ชื่อ"})

    assert AuditEntry.objects.count() == 1
    stored = AuditEntry.objects.get()
    assert stored.pk == entry.pk
    assert stored.action == "user.updated"
    assert stored.actor == actor
    assert stored.actor_label == "chair@example.go.th"
    assert stored.content_type == ContentType.objects.get_for_model(User)
    assert stored.object_id == str(target.pk)
    assert stored.object_repr == "นายทดสอบ ระบบ"
    assert stored.data == {"before": {"full_name": "นายทดสอบ"},
                           "after": {"full_name": "นายทดสอบ ระบบ"},
                           "reason": "แก้ชื่อ"}
    assert stored.ip_address is None
    assert stored.at is not None


def test_log_action_each_call_appends_one_more_entry(make_user):
    actor = make_user("secretariat")
    for number in range(3):
        log_action("user.viewed", actor=actor, data={"n": number})
    assert list(AuditEntry.objects.order_by("pk").values_list("data", flat=True)) == [
        {"n": 0}, {"n": 1}, {"n": 2}]


def test_log_action_without_object_leaves_object_fields_empty(make_user):
    entry = log_action("system.started", actor=make_user("secretariat"))
    entry.refresh_from_db()
    assert (entry.content_type, entry.object_id, entry.object_repr) == (None, "", "")
    assert entry.data == {}


def test_log_action_truncates_a_long_object_repr():
    target = User(pk=4242, email="long@example.go.th", full_name="ก" * 350)
    entry = log_action("user.created", obj=target)
    assert entry.object_id == "4242"
    assert entry.object_repr == "ก" * 300


def test_log_action_masks_secrets_at_any_depth():
    entry = log_action("user.password_changed", data={
        "password": "hunter2",
        "profile": {"api_key": "abc", "name": "สมชาย",
                    "devices": [{"otp_code": "123456", "label": "โทรศัพท์"}]},
        "Client_Secret": "s3cr3t",
        "reset_token": "t0k3n",
    }, before={"password_hash": "md5$x"}, after={"password_hash": "md5$y", "email": "a@b.th"})

    assert AuditEntry.objects.get(pk=entry.pk).data == {
        "password": MASK,
        "profile": {"api_key": MASK, "name": "สมชาย",
                    "devices": [{"otp_code": MASK, "label": "โทรศัพท์"}]},
        "Client_Secret": MASK,
        "reset_token": MASK,
        "before": {"password_hash": MASK},
        "after": {"password_hash": MASK, "email": "a@b.th"},
    }


def test_mask_secrets_keeps_ordinary_values_and_does_not_change_its_input():
    original = {"status": "submitted", "scores": [1, 2, {"token": "x"}], "note": None}
    assert mask_secrets(original) == {"status": "submitted",
                                      "scores": [1, 2, {"token": MASK}], "note": None}
    assert original["scores"][2] == {"token": "x"}


def test_log_action_with_anonymous_actor_records_no_actor():
    entry = log_action("user.login_failed", actor=AnonymousUser(), data={"email": "x@y.th"})
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_label == ""


def test_log_action_anonymous_actor_can_carry_a_label():
    entry = log_action("user.login_failed", actor=AnonymousUser(), actor_label="x@y.th")
    assert (entry.actor, entry.actor_label) == (None, "x@y.th")


def test_log_action_captures_the_ip_address_from_the_request(make_user):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.7")
    entry = log_action("user.logged_in", actor=make_user("coordinator"), request=request)
    entry.refresh_from_db()
    assert entry.ip_address == "203.0.113.7"


def test_log_action_captures_an_ipv6_address(make_user):
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8::1")
    assert log_action("user.logged_in", request=request).ip_address == "2001:db8::1"
