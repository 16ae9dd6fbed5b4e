"""gecc.common.queue: enqueueing never raises, runs after commit, sweeps run one by one."""

import logging

import pytest
from django.db import transaction

from gecc.common import queue
from gecc.common.tasks import ping


class Broken(Exception):
    pass


def failing_apply_async(*args, **kwargs):
    raise RuntimeError("Retry limit exceeded while trying to reconnect to the result store")


def test_enqueue_sends_without_retry_and_without_touching_the_result_backend(monkeypatch):
    calls = []
    monkeypatch.setattr(ping, "apply_async", lambda **kwargs: calls.append(kwargs))
    assert queue.enqueue(ping, 7, kind="units") is True
    assert calls == [{"args": (7,), "kwargs": {"kind": "units"}, "retry": False,
                      "ignore_result": True}]


def test_enqueue_logs_any_broker_or_backend_error_and_returns_false(monkeypatch, caplog):
    monkeypatch.setattr(ping, "apply_async", failing_apply_async)
    with caplog.at_level(logging.WARNING, logger="gecc.common.queue"):
        assert queue.enqueue(ping, 7) is False
    assert "could not queue gecc.common.ping(7,) (RuntimeError" in caplog.text


@pytest.mark.django_db
def test_enqueue_on_commit_waits_for_the_commit_and_is_dropped_on_rollback(
        monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(ping, "apply_async", lambda **kwargs: sent.append(kwargs["args"]))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue.enqueue_on_commit(ping, 1)
        assert sent == []
    assert sent == [(1,)]
    assert callbacks[0].__qualname__ == "enqueue(gecc.common.ping)"  # Django can log it
    with (pytest.raises(Broken), django_capture_on_commit_callbacks(execute=True),
          transaction.atomic()):
        queue.enqueue_on_commit(ping, 2)
        raise Broken
    assert sent == [(1,)]


@pytest.mark.django_db
def test_a_failing_hook_after_commit_does_not_raise(monkeypatch,
                                                    django_capture_on_commit_callbacks):
    monkeypatch.setattr(ping, "apply_async", failing_apply_async)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue.enqueue_on_commit(ping, 1)
    assert len(callbacks) == 1


def test_run_sweeps_runs_every_sweep_even_after_one_fails(monkeypatch):
    def broken():
        raise Broken("database gone")

    def fine():
        return {"sent": 2}

    monkeypatch.setattr(queue, "_sweeps", [])
    queue.register_sweep(broken)
    queue.register_sweep(fine)
    queue.register_sweep(fine)
    results = queue.run_sweeps()
    assert list(results.values()) == ["error", {"sent": 2}]


def test_the_outbox_import_and_assignment_sweeps_are_registered():
    names = {f"{s.__module__}.{s.__qualname__}" for s in queue.registered_sweeps()}
    assert names == {"gecc.notifications.domain.sweep.sweep_outbox",
                     "gecc.registry.tasks.sweep_import_jobs",
                     "gecc.committees.tasks.sweep_assignment_runs"}
