"""Background work of the committees: the automatic assignment of a round (a Celery task).

``start_assignment_run`` records an ``AssignmentRun`` (``queued``) and sends
``run_assignment_task`` once the transaction commits (``gecc.common.queue``: in the embedded
default Celery runs it at once, eagerly; a broker that cannot be reached is logged and the
run stays ``queued`` for ``sweep_assignment_runs``). The task claims the run, keeps its
``progress`` up to date for the run's page (a write at most every ``PROGRESS_STEP`` or
``PROGRESS_SECONDS``) and ends it ``done`` with the summary, or ``failed`` with the reasons
(in Thai) why no proposal was saved.
"""

import datetime
import logging
import time

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from gecc.committees.enums import RunState
from gecc.common.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

PROGRESS_STEP = 0.05
PROGRESS_SECONDS = 1.0
DEFAULT_STALL_SECONDS = 120
DEFAULT_RUN_TIMEOUT_SECONDS = 3600
SWEEP_BATCH = 5


class ProgressWriter:
    """A ``progress(fraction)`` callback that writes the run's progress only when it moved
    by ``PROGRESS_STEP`` or ``PROGRESS_SECONDS`` passed since the last write."""

    def __init__(self, run_pk):
        self.run_pk, self.written, self.at = run_pk, 0.0, time.monotonic()

    def __call__(self, fraction):
        from gecc.committees.models import AssignmentRun

        fraction = min(1.0, max(0.0, float(fraction)))
        now = time.monotonic()
        if fraction > self.written and (fraction - self.written >= PROGRESS_STEP
                                        or now - self.at >= PROGRESS_SECONDS):
            self.written, self.at = fraction, now
            AssignmentRun.objects.filter(pk=self.run_pk, state=RunState.RUNNING).update(
                progress=round(fraction, 3))


@shared_task(name="gecc.committees.run_assignment")
def run_assignment_task(run_id):
    """Run one ``queued`` AssignmentRun to its end (``done`` or ``failed``)."""
    from gecc.committees.domain.assignment import run_assignment, summary_as_data
    from gecc.committees.models import AssignmentRun

    # Claim the run once: a task delivered twice, or the sweep, must not run it twice.
    claimed = AssignmentRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.RUNNING, progress=0.0)
    run = AssignmentRun.objects.select_related("round", "started_by").get(pk=run_id)
    if not claimed:
        return run.state
    with translation.override(settings.LANGUAGE_CODE):
        try:
            run_assignment(run.round, run.started_by, progress=ProgressWriter(run.pk))
            state, message, result = RunState.DONE, "", summary_as_data(run.round)
        except ValidationError as exc:
            state, message = RunState.FAILED, "\n".join(exc.messages)
            result = {"errors": exc.messages}
        except Exception as exc:  # noqa: BLE001  (kept on the run for the secretariat)
            logger.exception("assignment run %s failed", run_id)
            reason = translation.gettext("The assignment stopped because of an unexpected "
                                         "error; nothing was changed. Try again, or tell "
                                         "the system administrator.")
            state, message = RunState.FAILED, reason
            result = {"errors": [reason], "error": f"{type(exc).__name__}: {exc}"}
    AssignmentRun.objects.filter(pk=run.pk).update(
        state=state, progress=1.0, message=message, result=result,
        finished_at=timezone.now())
    return state


def start_assignment_run(round_obj, actor):
    """Record a queued run of ``round_obj`` and send its task once the transaction commits.
    A run of the round still queued or running is returned instead of a second one."""
    from gecc.committees.models import AssignmentRun

    busy = (AssignmentRun.objects.filter(round=round_obj,
                                         state__in=[RunState.QUEUED, RunState.RUNNING])
            .order_by("-created_at", "-pk").first())
    if busy is not None:
        return busy, False
    run = AssignmentRun.objects.create(
        round=round_obj, started_by=actor if getattr(actor, "is_authenticated", False)
        else None)
    enqueue_on_commit(run_assignment_task, run.pk)
    return run, True


def sweep_assignment_runs(*, now=None, limit=SWEEP_BATCH) -> dict:
    """Run the runs no worker started within ``ASSIGNMENT_STALL_SECONDS`` (the broker was
    down), and end as failed the runs left ``running`` longer than
    ``ASSIGNMENT_RUN_TIMEOUT_SECONDS`` (their worker died). Returns the counts."""
    from gecc.committees.models import AssignmentRun

    now = now or timezone.now()
    stall = int(getattr(settings, "ASSIGNMENT_STALL_SECONDS", DEFAULT_STALL_SECONDS))
    timeout = int(getattr(settings, "ASSIGNMENT_RUN_TIMEOUT_SECONDS",
                          DEFAULT_RUN_TIMEOUT_SECONDS))
    counts = {"started": 0, "abandoned": 0}
    with translation.override(settings.LANGUAGE_CODE):
        reason = translation.gettext("The assignment run stopped without finishing; nothing "
                                     "was changed. Run it again.")
    counts["abandoned"] = AssignmentRun.objects.filter(
        state=RunState.RUNNING, created_at__lte=now - datetime.timedelta(seconds=timeout),
    ).update(state=RunState.FAILED, message=reason, result={"errors": [reason]},
             finished_at=now)
    waiting = (AssignmentRun.objects.filter(
        state=RunState.QUEUED, created_at__lte=now - datetime.timedelta(seconds=stall))
        .order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
    for pk in list(waiting):
        run_assignment_task(pk)
        counts["started"] += 1
    if counts["started"] or counts["abandoned"]:
        logger.info("assignment sweep: %s", counts)
    return counts
