#!/usr/bin/env python
"""Benchmark: the staff unit list with a Thai search over a national registry.

Generates the national registry (20,000 units by default) in a throwaway database, then
requests the unit list many times through Django's test client with Thai search terms,
filters and orderings, as a secretariat user. Prints the query count of each request shape
and the p50/p95/max server time. Target: p95 under 100 ms, on SQLite and on PostgreSQL.

    python bench/bench_unit_list.py [--units 20000] [--requests 300]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc python bench/bench_unit_list.py
"""

import argparse
import random
import statistics
import sys
import tempfile
import time

from benchdb import floor_line, throwaway_database, timed_get

SEARCHES = ["ลำพูน", "ธ.ก.ส.", "ธกส", "สำนักงาน", "ที่ดิน", "ศูนย์ บริการ", "ขนส่ง", "GEN-0001",
            "เชียงใหม่", "สาขา", "ไฟฟ้า", "สรรพสามิต", "xyz-not-found"]


def request_shapes(provinces, organizations):
    rng = random.Random(2563)
    shapes = []
    for term in SEARCHES:
        shapes.append({"q": term})
        shapes.append({"q": term, "province": rng.choice(provinces)})
    for _ in range(6):
        shapes.append({"organization": rng.choice(organizations), "sort": "name"})
        shapes.append({"province": rng.choice(provinces), "sort": "-code", "page": 2})
    shapes.append({})
    shapes.append({"active": "all", "sort": "province"})
    return shapes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--by-shape", action="store_true",
                        help="also print the slowest request shapes and their SQL")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        drop = throwaway_database(tmp)
        try:
            passed = run(args)
        finally:
            if drop:
                drop()
    return 0 if passed else 1


def run(args):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gecc.accounts.models import RoleGrant, User
    from gecc.registry.models import Organization, ServiceUnit

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_national_registry", units=args.units, verbosity=0)
    generated = time.perf_counter() - started

    user = User.objects.create_user("bench-secretariat@example.go.th", "x")
    RoleGrant.objects.create(user=user, role="secretariat")
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    provinces = list(ServiceUnit.objects.values_list("province_id", flat=True).distinct())
    organizations = list(Organization.objects.values_list("pk", flat=True))
    shapes = request_shapes(provinces, organizations)

    # Warm up, check every shape answers, and count its queries.
    query_counts = set()
    for shape in shapes:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/registry/units/", shape)
        assert response.status_code == 200, (shape, response.status_code)
        query_counts.add(len(queries))

    timings, database_times = [], []
    by_shape = {}
    rng = random.Random(7)
    for _ in range(args.requests):
        index = rng.randrange(len(shapes))
        elapsed, database, response = timed_get(client, "/registry/units/", shapes[index])
        timings.append(elapsed)
        database_times.append(database)
        by_shape.setdefault(index, []).append(elapsed)
        assert response.status_code == 200

    if args.by_shape:
        slowest = sorted(by_shape.items(), key=lambda item: -statistics.median(item[1]))[:8]
        for index, values in slowest:
            print(f"  {statistics.median(values):7.1f} ms median {max(values):7.1f} ms max "
                  f"({len(values)} requests)  {shapes[index]}")
            with CaptureQueriesContext(connection) as queries:
                client.get("/registry/units/", shapes[index])
            for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:2]:
                print(f"      {float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")

    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    vendor = connection.vendor
    print(f"database: {vendor}; units: {ServiceUnit.objects.count():,} "
          f"(generated in {generated:.1f} s); requests: {len(timings)} over {len(shapes)} shapes")
    print(f"queries per request: {sorted(query_counts)}")
    print(f"server time ms: p50 {statistics.median(timings):.1f}  p95 {p95:.1f}  "
          f"max {timings[-1]:.1f}")
    print(floor_line(timings, database_times))
    print(f"target p95 < 100 ms: {'PASS' if p95 < 100 else 'FAIL'}")
    return p95 < 100


if __name__ == "__main__":
    sys.exit(main())
