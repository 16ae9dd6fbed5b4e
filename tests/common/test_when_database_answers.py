"""``gecc.common.db.when_database_answers``: the one retry loop of the writes and reads that
must outlast a database restart (an outbox message's outcome, an evidence upload's check)."""

import pytest
from django.db import InterfaceError, OperationalError

from gecc.common import db


@pytest.fixture
def waits(monkeypatch):
    slept = []
    monkeypatch.setattr(db.time, "sleep", slept.append)
    return slept


def failing(times, error=OperationalError):
    calls = []

    def fn():
        calls.append(1)
        if len(calls) <= times:
            raise error("server closed the connection unexpectedly")
        return "stored"

    return fn, calls


def test_called_again_until_the_database_answers(waits):
    fn, calls = failing(3)
    told = []

    assert db.when_database_answers(fn, patience=60, on_error=told.append) == "stored"

    assert len(calls) == 4
    assert len(told) == 3
    assert waits == [0.25, 0.5, 1.0]


def test_waits_double_up_to_the_bound(waits):
    fn, _calls = failing(6)
    db.when_database_answers(fn, patience=600, max_delay=2.0)
    assert waits == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


def test_the_last_error_goes_on_after_the_patience(waits, monkeypatch):
    clock = iter(range(0, 1000, 1))
    monkeypatch.setattr(db.time, "monotonic", lambda: next(clock))
    fn, calls = failing(100)
    with pytest.raises(OperationalError):
        db.when_database_answers(fn, patience=3)
    assert 1 < len(calls) < 100


def test_other_errors_are_not_retried(waits):
    fn, calls = failing(1, error=InterfaceError)
    with pytest.raises(InterfaceError):
        db.when_database_answers(fn, patience=60, errors=(OperationalError,))
    assert len(calls) == 1 and waits == []
