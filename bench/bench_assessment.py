#!/usr/bin/env python
"""Benchmark: the self-assessment page and its autosave, as a coordinator meets them.

In a throwaway database with the demo loaded (``setup_demo``: the shipped criteria edition,
whose first category has 25 items, and a round open for applications), a new draft
application for a coordinator; then through Django's test client and every middleware, with
DEBUG off:

- the assessment page of each category, first view (the card cache emptied) and revisit
  (the cards as the cache kept them; ``portal.views.assessment.render_cards``);
- autosave of one answer: a change that moves no count (a reworded explanation), and one
  that does (an answer cleared and answered again, which brings the panels);
- the coordinator's home page, the lightest page of the same layout, as the floor.

Server time is the request's wall time in this process (database time included) and CPU is
this process's CPU time; the database time of the same requests is printed beside them.
Targets: page revisit p50 < 25 ms of server time; autosave mean CPU < 15 ms.

    python bench/bench_assessment.py [--rounds 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc python bench/bench_assessment.py
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from benchdb import percentile, throwaway_database, timed_call

PAGE_TARGET_MS = 25
AUTOSAVE_CPU_TARGET_MS = 15


def measure(client, fn, rounds, before=None):
    """(server ms, CPU ms, database ms) of ``rounds`` calls of ``fn``."""
    walls, cpus, dbs = [], [], []
    for _ in range(rounds):
        if before:
            before()
        wall, cpu, database, response = timed_call(fn)
        walls.append(wall)
        cpus.append(cpu)
        dbs.append(database)
        assert response.status_code == 200, response.status_code
    return walls, cpus, dbs


def line(label, walls, cpus, dbs):
    return (f"{label:34} server p50 {statistics.median(walls):6.1f}  p95 "
            f"{percentile(walls, 0.95):6.1f} ms | CPU mean {statistics.mean(cpus):6.1f} ms | "
            f"database p50 {statistics.median(dbs):5.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    os.environ.pop("DEBUG", None)
    os.environ.setdefault("SECRET_KEY", "bench-" + "k3y-" * 20)
    os.environ.setdefault("SITE_URL", "http://testserver")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GECC_DATA_DIR"] = tmp
        drop = throwaway_database(tmp)
        try:
            return run(args.rounds)
        finally:
            if drop:
                drop()


def run(rounds):
    import io

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from gecc.accounts.models import User
    from gecc.applications.domain.applications import create_application
    from gecc.applications.models import Answer
    from gecc.rounds.models import Round

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("setup_demo", stdout=io.StringIO())
    user = User.objects.get(email="coordinator@demo.gecc.local")
    round_obj = Round.objects.order_by("-pk").first()
    unit = user.coordinated_units.exclude(applications__round=round_obj).first()
    application = create_application(round_obj, unit, target_level="basic",
                                     contact_name="ผู้ประสานงาน", actor=user)
    client = Client()
    client.force_login(user)
    base = reverse("portal:application.assessment", args=[application.pk])
    categories = [""] + [f"?category={ref}" for ref in ("Q", "R")]
    home = reverse("portal:home")
    print(f"{Answer.objects.filter(application=application).count()} items; "
          f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
          f"load average {Path('/proc/loadavg').read_text().split()[0]}")

    client.get(home)
    floor = measure(client, lambda: client.get(home), rounds)
    cold = measure(client, lambda: client.get(base + categories[0]), rounds,
                   before=cache.clear)
    # Revisits: every category once to fill the cache, then round the categories.
    for category in categories:
        client.get(base + category)
    turn = iter(range(10**9))
    warm = measure(client, lambda: client.get(base + categories[next(turn) % 3]), rounds)

    answer = Answer.objects.filter(application=application).order_by("pk").first()
    url = reverse("portal:answer.save", args=[answer.pk])
    state = {"revision": answer.revision, "n": 0}

    def autosave(score="3"):
        state["n"] += 1
        response = client.post(url, {"score": score, "revision": state["revision"],
                                     "explanation": f"คำอธิบาย {state['n']}"},
                               HTTP_HX_REQUEST="true")
        state["revision"] += 1
        return response

    autosave()
    same = measure(client, autosave, rounds)
    flip = measure(client, lambda: autosave("" if state["n"] % 2 else "3"), rounds)

    print(line("floor: coordinator's home page", *floor))
    print(line("assessment page, first view", *cold))
    print(line("assessment page, revisit", *warm))
    print(line("autosave, no count moves", *same))
    print(line("autosave, answered/cleared", *flip))
    autosave_cpu = statistics.mean(same[1] + flip[1])
    checks = {
        f"assessment page revisit p50 < {PAGE_TARGET_MS} ms": statistics.median(warm[0])
        < PAGE_TARGET_MS,
        f"autosave mean CPU < {AUTOSAVE_CPU_TARGET_MS} ms ({autosave_cpu:.1f})": autosave_cpu
        < AUTOSAVE_CPU_TARGET_MS,
    }
    for name, passed in checks.items():
        print(f"target {name}: {'PASS' if passed else 'FAIL'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
