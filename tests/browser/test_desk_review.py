"""The secretariat reviews a submitted application in the browser: screening, a comment on
an item, and acceptance for a site visit."""

from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.applications.domain import submit_application
from gecc.applications.models import Application, ReviewComment
from tests.applications.factories import DURING, answer_all, make_application, make_round
from tests.factories import UserFactory
from tests.registry.factories import ServiceUnitFactory


def sign_in_verified(page, live_server, user):
    """A session for ``user`` with the second factor already verified."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": session.session_key,
        "url": live_server.url, "httpOnly": True, "sameSite": "Lax",
    }])
    return page


def test_secretariat_screens_comments_and_accepts(page, live_server):
    reviewer = UserFactory(roles=["secretariat"])
    round_obj = make_round(reviewer)
    unit = ServiceUnitFactory(name_th="ศูนย์บริการร่วมอำเภอบ้านโฮ่ง")
    application = make_application(round_obj, unit, reviewer)
    answer_all(application)
    submit_application(application, None, now=DURING)
    sign_in_verified(page, live_server, reviewer)

    page.goto("/applications/review/")
    page.get_by_role("link", name="ศูนย์บริการร่วมอำเภอบ้านโฮ่ง").click()
    page.wait_for_url(f"**/applications/review/{application.pk}/")

    form = page.get_by_test_id("screening-form")
    for box in form.locator("input[type=checkbox]").all():
        box.check()
    page.get_by_test_id("screening-save").click()
    page.get_by_test_id("screening-complete").wait_for()

    block = page.get_by_test_id("comments-P1.1")
    block.get_by_test_id("comment-text").fill("ขอภาพถ่ายลานจอดรถเพิ่มเติม")
    block.get_by_test_id("comment-add").click()
    page.get_by_test_id("comments-P1.1").get_by_test_id("comment").filter(
        has_text="ขอภาพถ่ายลานจอดรถเพิ่มเติม").wait_for()

    page.get_by_test_id("action-accept").click()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"**/applications/review/{application.pk}/")
    state = page.get_by_test_id("application-state").inner_text()

    application.refresh_from_db()
    assert application.state == "accepted"
    assert state == application.get_state_display()
    assert all(entry["checked"] for entry in application.screening.values())
    assert list(ReviewComment.objects.values_list("answer__item__ref", "text")) == [
        ("P1.1", "ขอภาพถ่ายลานจอดรถเพิ่มเติม")]
    assert Application.objects.filter(state="accepted").count() == 1
