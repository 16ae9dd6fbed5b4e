"""The sign-in page: password step, redirects, errors, throttling, audit, sign-out."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from gecc.accounts.models import LoginFailure
from gecc.audit.models import AuditEntry

from .conftest import REQUIRED, post_login, th

pytestmark = pytest.mark.django_db

WRONG = "อีเมลหรือรหัสผ่านไม่ถูกต้อง"


def signed_in_pk(client):
    return client.session.get(SESSION_KEY)


def add_failures(n, *, email="", ip=None, seconds_ago=0):
    at = timezone.now() - timedelta(seconds=seconds_ago)
    LoginFailure.objects.bulk_create(
        [LoginFailure(email=email, ip_address=ip, at=at) for _ in range(n)])


def test_login_page_renders_thai_form(client):
    response = client.get("/accounts/login/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>เข้าสู่ระบบ</h1>" in content
    assert 'name="email"' in content
    assert 'type="password"' in content
    assert "ลืมรหัสผ่าน" in content


def test_login_with_correct_password_redirects_to_home(client, make_user, password):
    user = make_user("assessor")
    response = post_login(client, user.email, password)
    assert response.status_code == 302
    assert response.url == "/home/"
    assert signed_in_pk(client) == str(user.pk)


def test_login_email_is_not_case_sensitive(client, make_user, password):
    user = make_user("assessor", email="somchai@example.go.th")
    post_login(client, "  SomChai@Example.go.th ", password)
    assert signed_in_pk(client) == str(user.pk)


def test_login_redirects_to_safe_next(client, make_user, password):
    user = make_user("assessor")
    response = post_login(client, user.email, password, next_url="/staff/assessment/")
    assert response.url == "/staff/assessment/"


def test_login_ignores_next_to_another_site(client, make_user, password):
    user = make_user("assessor")
    response = post_login(client, user.email, password, next_url="https://evil.example/")
    assert response.url == "/home/"


def test_login_page_keeps_next_from_query_string(client):
    response = client.get("/accounts/login/?next=/staff/")
    assert '<input type="hidden" name="next" value="/staff/">' in response.content.decode()


def test_login_wrong_password_shows_thai_error_and_keeps_email(client, make_user):
    user = make_user("assessor", email="somsri@example.go.th")
    response = post_login(client, user.email, "wrong-password")
    content = response.content.decode()
    assert response.status_code == 200
    assert WRONG in content
    assert 'value="somsri@example.go.th"' in content
    assert "wrong-password" not in content
    assert signed_in_pk(client) is None


def test_login_unknown_email_shows_the_same_error(client):
    response = post_login(client, "nobody@example.go.th", "whatever")
    assert WRONG in response.content.decode()


def test_login_inactive_user_is_refused(client, make_user, password):
    user = make_user("assessor", is_active=False)
    response = post_login(client, user.email, password)
    assert WRONG in response.content.decode()
    assert signed_in_pk(client) is None


def test_login_empty_fields_show_required_errors(client):
    response = client.post("/accounts/login/", {"email": "", "password": ""})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count(th(REQUIRED)) == 2
    assert LoginFailure.objects.count() == 0


def test_login_malformed_email_shows_field_error(client):
    response = post_login(client, "not-an-email", "x")
    expected = th("Enter a valid email address.")
    assert expected != "Enter a valid email address."
    assert response.context["form"].errors == {"email": [expected]}
    assert LoginFailure.objects.count() == 0


def test_login_failure_is_recorded_and_audited(client, make_user):
    make_user("assessor", email="somsri@example.go.th")
    post_login(client, "Somsri@example.go.th", "wrong", REMOTE_ADDR="192.0.2.44")
    failure = LoginFailure.objects.get()
    assert (failure.email, failure.ip_address) == ("somsri@example.go.th", "192.0.2.44")
    entry = AuditEntry.objects.get(action="user.login_failed")
    assert entry.actor is None
    assert entry.data == {"email": "somsri@example.go.th", "ip": "192.0.2.44"}


def test_login_success_is_audited(client, make_user, password):
    user = make_user("assessor")
    post_login(client, user.email, password, REMOTE_ADDR="192.0.2.45")
    entry = AuditEntry.objects.get(action="user.login")
    assert entry.actor == user
    assert entry.ip_address == "192.0.2.45"
    assert entry.data == {"ip": "192.0.2.45", "second_factor": False}


def test_login_success_clears_the_email_failures(client, make_user, password):
    user = make_user("assessor")
    add_failures(2, email=user.email, ip="192.0.2.1")
    add_failures(1, email="other@example.go.th", ip="192.0.2.1")
    post_login(client, user.email, password)
    assert signed_in_pk(client) == str(user.pk)
    assert list(LoginFailure.objects.values_list("email", flat=True)) == ["other@example.go.th"]


def test_login_is_slowed_after_three_failures(client, make_user, password):
    user = make_user("assessor")
    for _ in range(3):
        post_login(client, user.email, "wrong")
    response = post_login(client, user.email, password)
    content = response.content.decode()
    assert "กรุณารอ 5 วินาที" in content
    assert signed_in_pk(client) is None
    assert LoginFailure.objects.count() == 3  # a refused attempt is not a new failure


def test_login_third_failure_warns_about_the_wait(client, make_user):
    user = make_user("assessor")
    for _ in range(2):
        post_login(client, user.email, "wrong")
    content = post_login(client, user.email, "wrong").content.decode()
    assert WRONG in content
    assert "กรุณารอ 5 วินาที" in content


def test_login_correct_password_is_refused_while_locked(client, make_user, password):
    user = make_user("assessor")
    add_failures(8, email=user.email, seconds_ago=30)
    response = post_login(client, user.email, password)
    content = response.content.decode()
    assert "ถูกล็อกชั่วคราว" in content
    assert "กรุณาลองใหม่ในอีก 15 นาที" in content
    assert WRONG not in content
    assert signed_in_pk(client) is None
    assert not AuditEntry.objects.filter(action__in=["user.login", "user.login_failed"]).exists()


def test_login_works_again_after_the_lock_expires(client, make_user, password, settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "WINDOW_SECONDS": 3600}
    user = make_user("assessor")
    add_failures(8, email=user.email, seconds_ago=901)
    post_login(client, user.email, password)
    assert signed_in_pk(client) == str(user.pk)


def test_login_address_lock_refuses_another_email(client, make_user, password, settings):
    user = make_user("assessor")
    for n in range(settings.LOGIN_THROTTLE["ADDRESS_LOCK_AFTER"]):
        add_failures(1, email=f"guess{n}@example.go.th", ip="192.0.2.99", seconds_ago=60)
    response = post_login(client, user.email, password, REMOTE_ADDR="192.0.2.99")
    assert "ถูกล็อกชั่วคราว" in response.content.decode()
    assert signed_in_pk(client) is None
    post_login(client, user.email, password, REMOTE_ADDR="192.0.2.100")
    assert signed_in_pk(client) == str(user.pk)


def test_login_failures_from_one_address_do_not_slow_other_emails(client):
    for n in range(3):
        post_login(client, f"guess{n}@example.go.th", "wrong", REMOTE_ADDR="192.0.2.98")
    response = post_login(client, "guess3@example.go.th", "wrong", REMOTE_ADDR="192.0.2.98")
    assert "กรุณารอ" not in response.content.decode()
    assert LoginFailure.objects.filter(ip_address="192.0.2.98").count() == 4


def test_login_locked_account_leaves_a_colleague_at_the_same_address_alone(
        client, make_user, password):
    """A government office signs in from one NAT address: one locked account is not all."""
    locked, colleague = make_user("assessor"), make_user("coordinator")
    add_failures(7, email=locked.email, ip="192.0.2.97", seconds_ago=200)
    post_login(client, locked.email, "wrong", REMOTE_ADDR="192.0.2.97")  # the eighth: locked
    assert "ถูกล็อกชั่วคราว" in post_login(client, locked.email, password,
                                           REMOTE_ADDR="192.0.2.97").content.decode()
    response = post_login(client, colleague.email, password, REMOTE_ADDR="192.0.2.97")
    assert response.status_code == 302
    assert signed_in_pk(client) == str(colleague.pk)


def test_login_eighth_failure_locks_and_audits(client, make_user):
    user = make_user("assessor")
    add_failures(7, email=user.email, seconds_ago=200)
    content = post_login(client, user.email, "wrong").content.decode()
    assert "ถูกล็อกชั่วคราว" in content
    entry = AuditEntry.objects.get(action="user.locked")
    assert entry.object_id == str(user.pk)


def test_logout_requires_post(client, make_user):
    client.force_login(make_user("assessor"))
    assert client.get("/accounts/logout/").status_code == 405
    assert signed_in_pk(client) is not None


def test_logout_signs_out_and_audits(client, make_user):
    user = make_user("assessor")
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_pk(client) is None
    assert AuditEntry.objects.get(action="user.logout").actor == user
