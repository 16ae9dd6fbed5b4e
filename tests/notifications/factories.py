"""Outbox messages and stand-in context objects for notification tests."""

import datetime
import types
from unittest import mock

import factory

from gecc.notifications.enums import OutboxStatus
from gecc.notifications.models import OutboxMessage


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    event = "application.submitted"
    to = factory.Sequence(lambda n: [f"unit{n}@lamphun.go.th"])
    subject = factory.Sequence(lambda n: f"ได้รับใบสมัครแล้ว {n} / Application received {n}")
    body_text = "ข้อความ\n\n---\n\nText"
    body_html = "<p>ข้อความ</p><hr><p>Text</p>"
    status = OutboxStatus.SENT


def make_message(*, created_at=None, **kwargs):
    """An outbox message, optionally as if written at the aware datetime ``created_at``."""
    if created_at is None:
        return OutboxMessageFactory(**kwargs)
    with mock.patch("django.utils.timezone.now", return_value=created_at):
        return OutboxMessageFactory(**kwargs)


def application_context(**overrides):
    """The context the applications app gives ``notify()``, with stand-in objects."""
    unit = types.SimpleNamespace(name_th="ศูนย์ราชการสะดวก อำเภอเมืองลำพูน",
                                 name_en="Mueang Lamphun District Office", code="U-51-001")
    context = {
        "application": types.SimpleNamespace(get_state_display="ยื่นแล้ว", pk=7),
        "unit": unit,
        "round": types.SimpleNamespace(year=2563),
        "reason": "",
        "deadline": None,
        "comments": [],
        "url": "https://gecc.example/portal/applications/7/",
    }
    context.update(overrides)
    return context


JUNE_8_2020 = datetime.date(2020, 6, 8)
