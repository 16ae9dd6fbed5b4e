"""The desk review shows the correction deadline only while the application is returned:
once accepted (or rejected), the old deadline is history, not a date to act on."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.applications.models import Application
from tests.applications.factories import make_application, make_round
from tests.conftest import sign_in
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db

DEADLINE_LABEL = "<dt>กำหนดส่งการแก้ไข</dt>"


@pytest.fixture
def reviewer(client, make_user):
    user = make_user("secretariat")
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return sign_in(client, user)


def once_returned(state, reviewer):
    """An application returned with a deadline, then left in ``state`` (set directly: test
    setup, not the domain path)."""
    application = make_application(make_round(reviewer), ServiceUnitFactory())
    Application.objects.filter(pk=application.pk).update(
        state=state, submitted_at=timezone.now(),
        return_deadline=timezone.now() + datetime.timedelta(days=7))
    return application


@pytest.mark.parametrize(("state", "shown"), [
    ("returned", True), ("resubmitted", False), ("accepted", False), ("rejected", False)])
def test_correction_deadline_only_while_returned(client, reviewer, state, shown):
    application = once_returned(state, reviewer)
    html = client.get(reverse("applications:review.detail", args=[application.pk])
                      ).content.decode()
    assert (DEADLINE_LABEL in html) is shown
