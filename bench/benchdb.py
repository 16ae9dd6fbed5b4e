"""Shared set-up for the benchmarks: a throwaway database.

A fresh SQLite file in a temporary folder by default; with DATABASE_URL set to PostgreSQL,
a new database named after it with a ``_bench`` suffix is created on that server and
dropped afterwards.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gecc.settings")


def throwaway_database(tmp):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        return None
    import psycopg

    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/') or 'gecc'}_bench"
    maintenance = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path="/" + name))

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return drop


def timed_get(client, path, params=None):
    """GET ``path`` once: (server time in ms, database time in ms, response). The database
    time, the sum of the times of the request's own queries (each timed around the driver's
    execute), is the floor the server time is printed against: what no Python code above
    the database could save."""
    elapsed, _cpu, database, response = timed_call(
        lambda: client.get(path, params) if params is not None else client.get(path))
    return elapsed, database, response


def timed_call(fn):
    """Call ``fn()`` once: (wall ms, this process's CPU ms, database ms, its result), the
    database time summed over its queries as in ``timed_get``."""
    import time

    from django.db import connection

    spent = [0.0]

    def timer(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - began

    with connection.execute_wrapper(timer):
        cpu, began = time.process_time(), time.perf_counter()
        result = fn()
        elapsed = (time.perf_counter() - began) * 1000
        cpu = (time.process_time() - cpu) * 1000
    return elapsed, cpu, spent[0] * 1000, result


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def floor_line(timings, database_times):
    """One line: the database-time floor measured in the same run, and how far above it the
    server time is."""
    import statistics

    p50, floor50 = statistics.median(timings), statistics.median(database_times)
    return (f"floor (database time of the same requests): p50 {floor50:.1f}  p95 "
            f"{percentile(database_times, 0.95):.1f} ms; server time p50 is "
            f"{p50 / floor50 if floor50 else float('inf'):.1f}x the floor")


def generated_units(count, *fields):
    """Migrate the throwaway database, generate ``count`` units with the national generator
    (registry only) and return ``(rows, seconds)``: ``fields`` of the generated units that
    have coordinates, in code order, at most ``count`` of them."""
    import io
    import time

    from django.core.management import call_command

    from gecc.registry.models import ServiceUnit

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_national_data", units=count, applications=0, verbosity=0,
                 stdout=io.StringIO())
    seconds = time.perf_counter() - started
    rows = list(ServiceUnit.objects.filter(code__startswith="GEN-", latitude__isnull=False,
                                           longitude__isnull=False)
                .order_by("code").values_list(*fields)[:count])
    return rows, seconds
