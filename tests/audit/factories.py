"""Audit entries for tests, written through the real ``log_action`` (the only writer)."""

import datetime
from unittest import mock

from gecc.audit.domain import log_action


def make_entry(action="user.updated", *, at=None, **kwargs):
    """``log_action(action, **kwargs)``, optionally as if it ran at the aware datetime ``at``
    (the entry's time is set by the database layer on insert and can never be changed)."""
    if at is None:
        return log_action(action, **kwargs)
    assert isinstance(at, datetime.datetime) and at.tzinfo is not None
    with mock.patch("django.utils.timezone.now", return_value=at):
        return log_action(action, **kwargs)
