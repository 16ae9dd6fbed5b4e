"""Pick up the work a broker outage left waiting, in this process.

The same sweep as the periodic task ``gecc.common.sweep``: outbox messages still ``queued``
after OUTBOX_SWEEP_AFTER_SECONDS are sent, import jobs nobody checked after
REGISTRY_IMPORT_STALL_SECONDS are checked (or imported). It needs no broker, so it also
works while Redis is down: ``manage.py sweep_queues``.
"""

from django.core.management.base import BaseCommand, CommandError

from gecc.common.queue import registered_sweeps, run_sweeps


class Command(BaseCommand):
    help = "Send outbox messages and run import jobs left waiting by a broker outage."

    def handle(self, *args, **options):
        if not registered_sweeps():
            raise CommandError("No sweep is registered.")
        failed = False
        for name, result in run_sweeps().items():
            if result == "error":
                failed = True
                self.stderr.write(f"{name}: failed (see the log)")
            else:
                counts = ", ".join(f"{key}={value}" for key, value in sorted(result.items()))
                self.stdout.write(f"{name}: {counts or 'nothing to do'}")
        if failed:
            raise CommandError("A sweep failed.")
