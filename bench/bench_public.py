#!/usr/bin/env python
"""Benchmark: the public registry search and the certificate verification page over a national
registry (20,000 units, 5,000 certificates).

Generates the registry with the national generator in a throwaway database, then a round with
one application, decision and certificate for 5,000 units (bulk-created: 85 % valid, 5 %
suspended, 5 % expired, 5 % withdrawn; levels 6:3:1), runs ``gecc.common.db.analyze()`` and
requests, anonymously through Django's test client and the whole middleware stack:

- the registry search in realistic shapes (a Thai name fragment, an agency abbreviation, a
  province, a level, a year, combined, a second page), each request with the page cache
  emptied first but the filter choices kept (``cold``: every request runs its count and
  page queries; the choices are shared by every question and refreshed once per
  PUBLIC_CACHE_SECONDS), then as repeated by visitors (``warm``: the page from the cache);
- the verification page of random certificate numbers, cold (one query: the cache emptied
  before each request) and warm (no query: the page from the cache, which a saved
  certificate makes stale; ``gecc.public.caching``);
- a trivial view (``HttpResponse("ok")`` through the same middleware) for the throughput
  floor: verification requests per second must be at least half of the trivial view's.

Targets: p95 < 50 ms for each page (cold), constant query counts per shape, verification
throughput (warm) >= 50 % of the trivial view's. The per-minute throttle is raised so it
counts but never refuses.

    python bench/bench_public.py [--units 20000] [--certificates 5000] [--requests 300]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc python bench/bench_public.py
"""

import argparse
import datetime
import random
import statistics
import sys
import tempfile
import time

from benchdb import floor_line, percentile, throwaway_database, timed_get

TARGET_MS = 50
MAX_SEARCH_QUERIES = 7
THROUGHPUT_SHARE = 0.5


def ok(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def _urlpatterns():
    from django.urls import include, path

    return [path("bench/ok/", ok, name="bench-ok"), path("", include("gecc.urls"))]


def __getattr__(name):  # this module is the ROOT_URLCONF of the run (see run())
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--certificates", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop = throwaway_database(tmp)
        try:
            passed = run(args)
        finally:
            if drop:
                drop()
    return 0 if passed else 1


def make_certificates(count):
    """A round with ``count`` applications (one per unit, spread over the registry), each
    decided (certify) at one closed meeting and certified; bulk-created."""
    from django.utils import timezone

    from gecc.applications.models import Application
    from gecc.certificates.enums import CertificateState
    from gecc.certificates.models import Certificate
    from gecc.criteria.interfaces.example import load_example_edition
    from gecc.decisions.enums import DecisionOutcome, MeetingState
    from gecc.decisions.models import Decision, Meeting
    from gecc.registry.models import ServiceUnit
    from gecc.rounds.domain import create_round, open_round

    rng = random.Random(2563)
    edition = load_example_edition().version
    levels = [level for level in edition.levels if isinstance(level, dict)]
    from gecc.applications.generate import round_dates

    round_obj = create_round(year=2566, name="รอบจำลองสำหรับวัดเวลา", edition=edition,
                             actor=None, **round_dates(2566))
    open_round(round_obj, None)
    units = list(ServiceUnit.objects.order_by("pk").values_list("pk", "organization_id"))
    chosen = rng.sample(units, count)
    now = timezone.now()
    applications = Application.objects.bulk_create([
        Application(round=round_obj, unit_id=unit_id, kind="new", target_level="basic",
                    contact_name="ผู้ติดต่อ", state="accepted") for unit_id, _org in chosen],
        batch_size=1000)
    meeting = Meeting.objects.create(round=round_obj, number=1,
                                     held_on=datetime.date(2023, 8, 1),
                                     state=MeetingState.CLOSED, closed_at=now)
    picks = [rng.choices(range(len(levels)), [6, 3, 1][:len(levels)])[0] for _ in chosen]
    decisions = Decision.objects.bulk_create([
        Decision(application=app, meeting=meeting, outcome=DecisionOutcome.CERTIFY,
                 level=levels[pick]["code"], decided_at=now)
        for app, pick in zip(applications, picks, strict=True)], batch_size=1000)
    today = timezone.localdate()
    certificates = []
    for sequence, (app, decision, pick, (unit_id, org_id)) in enumerate(
            zip(applications, decisions, picks, chosen, strict=True), start=1):
        level = levels[pick]
        roll = rng.random()
        state, start = CertificateState.ISSUED, today - datetime.timedelta(
            days=rng.randrange(30, 900))
        if roll < 0.05:
            state = CertificateState.SUSPENDED
        elif roll < 0.10:
            state = CertificateState.WITHDRAWN
        elif roll < 0.15:
            start = today - datetime.timedelta(days=1200)  # expired by date
        year = start.year + 543
        certificates.append(Certificate(
            number=f"GECC-{year}-{sequence:06d}", year=year, sequence=sequence,
            application=app, decision=decision, unit_id=unit_id, organization_id=org_id,
            round=round_obj, level=level["code"], level_rank=pick + 1,
            level_name_th=level.get("name_th", ""), level_name_en=level.get("name_en", ""),
            colour=level.get("colour", ""), valid_from=start,
            valid_until=start + datetime.timedelta(days=3 * 365 - 1), state=state,
            issued_at=now))
    Certificate.objects.bulk_create(certificates, batch_size=1000)
    return [c.number for c in certificates]


def search_shapes(provinces, organizations, levels, years):
    rng = random.Random(2568)
    shapes = [{"q": term} for term in ("ลำพูน", "สำนักงาน", "ธกส", "ที่ดิน", "ศูนย์ บริการ",
                                       "เชียงใหม่", "อำเภอ")]
    shapes += [{"province": rng.choice(provinces)} for _ in range(4)]
    shapes += [{"level": level} for level in levels]
    shapes += [{"year": rng.choice(years)}, {"organization": rng.choice(organizations)},
               {"q": "สาขา", "province": rng.choice(provinces)},
               {"level": levels[0], "province": rng.choice(provinces)},
               {}, {"page": 2}, {"status": "all"}, {"status": "suspended"}]
    return shapes


def warm_shared():
    """What every search shares and keeps in the cache (refreshed each PUBLIC_CACHE_SECONDS
    for everyone, not per question): the filter choices."""
    from django.utils import translation

    from gecc.certificates.domain import public
    from gecc.public import caching

    with translation.override("th"):
        caching.cached(caching.page_key("choices"), public.filter_choices)


def measure(client, paths, requests, *, cold, seed):
    from django.core.cache import cache

    rng = random.Random(seed)
    timings, database_times = [], []
    for _ in range(requests):
        path, params = rng.choice(paths)
        if cold:
            cache.clear()
            warm_shared()
        elapsed, database, response = timed_get(client, path, params)
        assert response.status_code == 200, (path, params, response.status_code)
        timings.append(elapsed)
        database_times.append(database)
    return timings, database_times


def report(label, timings, database_times):
    p95 = percentile(timings, 0.95)
    print(f"{label}: p50 {statistics.median(timings):.1f}  p95 {p95:.1f}  "
          f"max {max(timings):.1f} ms")
    print(f"  {floor_line(timings, database_times)}")
    return p95


def throughput(client, path, seconds=3.0):
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        response = client.get(path)
        assert response.status_code == 200
        count += 1
    return count / (time.perf_counter() - began)


def run(args):
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gecc.certificates.models import Certificate
    from gecc.common.db import analyze

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PUBLIC_RATE_PER_MINUTE = 10**9
    settings.ROOT_URLCONF = "bench_public"
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_national_registry", units=args.units, verbosity=0)
    numbers = make_certificates(args.certificates)
    generated = time.perf_counter() - started
    from gecc.applications.models import Application
    from gecc.decisions.models import Decision
    from gecc.registry.models import Organization, ServiceUnit

    analyze(Certificate, ServiceUnit, Organization, Application, Decision)

    listed = Certificate.objects.exclude(state="withdrawn")
    listed = listed.order_by()
    provinces = sorted(set(listed.values_list("unit__province_id", flat=True)))
    organizations = sorted(set(listed.values_list("unit__organization_id", flat=True)))
    levels = sorted(set(listed.values_list("level", flat=True)))
    years = sorted(set(listed.values_list("year", flat=True)))
    shapes = search_shapes(provinces, organizations, levels, years)
    client = Client()

    # Every shape answers, and its queries do not depend on the rows it finds.
    counts = {}
    for shape in shapes:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/registry/", shape)
        assert response.status_code == 200, (shape, response.status_code)
        counts.setdefault(len(queries), []).append(shape)
    verify_counts = set()
    for number in random.Random(1).sample(numbers, 20):
        counted = []
        for _ in range(2):  # the first from the database, the second from the cache
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/verify/{number}/").status_code == 200
            counted.append(len(queries))
        verify_counts.add(tuple(counted))

    search_paths = [("/registry/", shape) for shape in shapes]
    verify_paths = [(f"/verify/{number}/", None) for number in numbers]
    print(f"database: {connection.vendor}; units: {args.units:,}; certificates: "
          f"{Certificate.objects.count():,} (generated in {generated:.1f} s); "
          f"{args.requests} requests each")
    print(f"search queries per request (cold): {sorted(counts)} over {len(shapes)} shapes "
          f"(at most {MAX_SEARCH_QUERIES}: 4 for the filter choices, 1 for a province's "
          "districts, the matching ids in order, the similar names when none, the page's "
          "rows; none "
          "per row)")
    print(f"verify queries per request (first, repeated): {sorted(verify_counts)}")
    search_cold = report("registry search, cold cache",
                         *measure(client, search_paths, args.requests, cold=True, seed=1))
    report("registry search, warm cache",
           *measure(client, search_paths, args.requests, cold=False, seed=2))
    verify_cold = report("verify page, cold cache",
                         *measure(client, verify_paths, args.requests, cold=True, seed=3))
    popular = verify_paths[:100]  # people verifying the same certificates again
    for path, _params in popular:
        client.get(path)
    report("verify page, warm cache (100 numbers, each seen before)",
           *measure(client, popular, args.requests, cold=False, seed=4))

    trivial = throughput(client, "/bench/ok/")
    sample = numbers[:50]
    for number in sample:  # warm the rendering cache of the numbers the loop requests
        client.get(f"/verify/{number}/")
    rng = random.Random(5)
    verify_rate = _throughput_paths(client, [f"/verify/{rng.choice(sample)}/"
                                             for _ in range(2000)])
    share = verify_rate / trivial
    print(f"throughput: verify {verify_rate:.0f} req/s, trivial view {trivial:.0f} req/s "
          f"(same middleware) = {share:.0%}; floor {THROUGHPUT_SHARE:.0%}")

    constant = max(counts) <= MAX_SEARCH_QUERIES and verify_counts == {(1, 0)}
    checks = {
        f"search p95 < {TARGET_MS} ms": search_cold < TARGET_MS,
        f"verify p95 < {TARGET_MS} ms": verify_cold < TARGET_MS,
        "query counts constant": constant,
        f"verify throughput >= {THROUGHPUT_SHARE:.0%} of trivial": share >= THROUGHPUT_SHARE,
    }
    for name, passed in checks.items():
        print(f"target {name}: {'PASS' if passed else 'FAIL'}")
    return all(checks.values())


def _throughput_paths(client, paths, seconds=3.0):
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        response = client.get(paths[count % len(paths)])
        assert response.status_code == 200
        count += 1
    return count / (time.perf_counter() - began)


if __name__ == "__main__":
    sys.exit(main())
