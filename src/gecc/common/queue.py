"""Handing work to the Celery workers without letting a broker outage reach the user.

``enqueue(task, *args)`` sends a task now; ``enqueue_on_commit(task, *args)`` sends it once
the surrounding transaction commits (at once when there is none). Neither ever raises: when
the broker or the result backend cannot be reached the failure is logged and ``enqueue``
returns False. The work itself must therefore already be recorded in the database in a
state that says it is waiting (an outbox message ``queued``, an import job ``validating``),
so that a sweep can pick it up later: each app registers its sweep with
``register_sweep()``; the periodic task ``gecc.common.sweep`` (CELERY_BEAT_SCHEDULE) and
``manage.py sweep_queues`` run them all.

How long a failed attempt takes is bounded by the Celery settings (a short broker
connection timeout, one connection retry, no publish retry, socket timeouts), and the task
is sent with ``ignore_result=True`` so the result backend is never contacted on the way:
with the backend's default retry policy that alone cost about 20 seconds when Redis was
down. In the embedded default (CELERY_TASK_ALWAYS_EAGER) the task runs here instead; its
own errors are logged too, as an after-commit hook must not turn a saved change into an
error page.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

_sweeps = []


def enqueue(task, *args, **kwargs) -> bool:
    """Send ``task(*args, **kwargs)`` to the workers now; True when it was handed over (or
    run, when Celery is eager), False when that failed (logged, never raised)."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False, ignore_result=True)
    except Exception as exc:  # kombu, redis, socket and backend errors alike
        logger.warning("could not queue %s%r (%s: %s): the work stays waiting for the sweep",
                       task.name, args, type(exc).__name__, exc)
        return False
    return True


class _AfterCommit:
    """The on-commit hook of ``enqueue_on_commit``: a named callable (not a
    ``functools.partial``), so Django's logging of a failed hook can always name it."""

    def __init__(self, task, args, kwargs):
        self.task, self.args, self.kwargs = task, args, kwargs
        self.__qualname__ = self.__name__ = f"enqueue({task.name})"

    def __call__(self):
        enqueue(self.task, *self.args, **self.kwargs)


def enqueue_on_commit(task, *args, **kwargs):
    """Send ``task(*args, **kwargs)`` once the current transaction commits (at once outside
    a transaction, dropped if it rolls back); never raises."""
    transaction.on_commit(_AfterCommit(task, args, kwargs), robust=True)


def register_sweep(sweep):
    """Add ``sweep()`` (no arguments, returns a dict of counts) to the periodic sweep.
    Call it from ``AppConfig.ready()``; registering the same function twice is harmless."""
    if sweep not in _sweeps:
        _sweeps.append(sweep)
    return sweep


def registered_sweeps():
    return list(_sweeps)


def run_sweeps() -> dict:
    """Run every registered sweep; one that fails is logged and the others still run.
    Returns ``{"<module>.<name>": counts or "error"}``."""
    results = {}
    for sweep in _sweeps:
        name = f"{sweep.__module__}.{sweep.__qualname__}"
        try:
            results[name] = sweep()
        except Exception:
            logger.exception("sweep %s failed", name)
            results[name] = "error"
    return results
