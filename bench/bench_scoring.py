"""Benchmark: score a national round with the engine, against a plain SQL aggregate.

7,500 applications × 60 items × 3 assessors = 1.35 million score rows in a temporary
PostgreSQL table. Times (a) the floor: one SQL aggregate giving the weighted overall
percentage per application, and (b) the engine, end to end: read every score row, take the
median per item, and score every application with the batch engine (overall, category and
criterion percentages, mandatory items, level). The batch results are checked against the
scalar engine for every application; the explanation of one application is produced on
demand by the scalar engine (``BatchResult.result``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc_bench python bench/bench_scoring.py

The database is created if it does not exist. Target: engine ≤ 2 × floor, and under 5 s.
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gecc_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gecc.settings")


def ensure_database(url):
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    try:
        psycopg.connect(url).close()
    except psycopg.OperationalError:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
    # The target is defined on PostgreSQL (its floor is one PostgreSQL aggregate).
    print("skipped: bench_scoring runs on PostgreSQL only; set DATABASE_URL=postgres://…")
    sys.exit(0)
ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from gecc.criteria.domain.batch import score_batch  # noqa: E402
from gecc.criteria.domain.parse import parse_edition  # noqa: E402
from gecc.criteria.domain.scoring import compile_edition  # noqa: E402

APPLICATIONS, ITEMS, ASSESSORS = 7500, 60, 3


def bench_edition():
    """A 60-item edition: 3 categories × 4 criteria × 5 items, scale 0–4, varied weights."""
    scale = {"code": "s4", "points": [{"value": v, "label_th": f"ระดับ {v}"} for v in range(5)]}
    categories, n = [], 0
    for c, kind in enumerate(("physical", "quality", "outcome")):
        criteria = []
        for k in range(4):
            items = []
            for _ in range(5):
                items.append({"ref": f"I{n:02d}", "text_th": f"ข้อ {n}", "weight": 1 + n % 3,
                              "mandatory": n % 10 == 0, "met_score": 2 if n % 10 == 0 else None,
                              "na_allowed": n % 7 == 3})
                n += 1
            criteria.append({"ref": f"C{c}{k}", "name_th": f"เกณฑ์ {c}.{k}", "items": items})
        categories.append({"ref": f"K{c}", "kind": kind, "name_th": f"หมวด {c}",
                           "criteria": criteria})
    return parse_edition({
        "edition": {"standard": "BENCH", "label": "1", "revision": 1, "name_th": "ทดสอบ",
                    "name_en": "Bench", "status": "example"},
        "scales": [scale], "default_scale": "s4",
        "levels": [
            {"code": "basic", "name_th": "พื้นฐาน", "name_en": "Basic", "colour": "blue",
             "rule": {"min_overall": 60}},
            {"code": "advanced", "name_th": "ก้าวหน้า", "name_en": "Advanced", "colour": "silver",
             "rule": {"min_overall": 75, "min_category": {"K0": 70}}},
            {"code": "excellence", "name_th": "เป็นเลิศ", "name_en": "Excellence",
             "colour": "gold", "rule": {"min_overall": 85, "min_criterion": {"C20": 80}}}],
        "categories": categories,
    })


def create_rows(cursor, compiled, seed=2563):
    rng = random.Random(seed)
    weights = [float(item.weight) for item in compiled.items]
    cursor.execute("DROP TABLE IF EXISTS bench_score")
    cursor.execute("CREATE TEMPORARY TABLE bench_score (application integer, assessor smallint,"
                   " item smallint, score smallint, weight real, scale_max smallint)")
    raw = cursor.cursor.connection if hasattr(cursor.cursor, "connection") else None
    pg = raw.cursor() if raw is not None else cursor.cursor
    with pg.copy("COPY bench_score FROM STDIN") as copy:
        for application in range(APPLICATIONS):
            quality = rng.random()
            buffer = io.StringIO()
            for assessor in range(ASSESSORS):
                for item in range(ITEMS):
                    if compiled.na_allowed[item] and rng.random() < 0.05:
                        score = "\\N"
                    else:
                        score = min(4, max(0, round(quality * 4 + rng.gauss(0, 0.8))))
                    buffer.write(f"{application}\t{assessor}\t{item}\t{score}\t"
                                 f"{weights[item]}\t4\n")
            copy.write(buffer.getvalue())
    cursor.execute("ANALYZE bench_score")
    cursor.execute("SELECT count(*) FROM bench_score")
    return cursor.fetchone()[0]


def fetch_scores(compiled, shape=(APPLICATIONS, ITEMS, ASSESSORS)):
    """Every score row, as a float array ``[application, item, assessor]`` (NaN = N/A).

    The rows travel as one binary ``int[]``: each row's cell number and score packed into
    one integer (``cell × span + score + 1``, 0 = N/A), so the client parses 1.35 million
    values with numpy instead of building 1.35 million Python tuples. (A binary COPY sends
    one message per row, and reading those one by one costs more than the whole floor.)
    """
    apps, items, assessors = shape
    top = max(max(points) for points in compiled.allowed)
    span = top + 2
    wide = apps * items * assessors * span >= 2**31
    number = "application::int8" if wide else "application"
    query = (f"SELECT array_send(array_agg((({number} * {items} + item) * {assessors} "
             f"+ assessor) * {span} + coalesce(score + 1, 0))) FROM bench_score")
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(query, binary=True)
        data = cursor.fetchone()[0]
    grid = np.full(apps * items * assessors, np.nan)
    if data is not None:
        ndim, has_null = np.frombuffer(data, ">i4", count=2)
        assert ndim == 1 and has_null == 0, "expected a one-dimensional array with no NULL"
        # Header: ndim, has-null flag, element type, length, lower bound; then per element a
        # 4-byte length and the value.
        element = np.dtype([("length", ">i4"), ("value", ">i8" if wide else ">i4")])
        codes = np.frombuffer(data, element, offset=20)["value"].astype(np.int64)
        cell, code = np.divmod(codes, span)
        grid[cell] = np.where(code == 0, np.nan, code - 1.0)
    return grid.reshape(shape)


def run_engine(cursor, compiled):
    """Read every score row, consolidate by median per item and score each application."""
    return score_batch(compiled, fetch_scores(compiled), "median")


def run_scalar_engine(cursor, compiled):
    """The scalar engine as before: a grouped read, then one application at a time."""
    cursor.execute("SELECT application, array_agg(score ORDER BY item, assessor) "
                   "FROM bench_score GROUP BY application")
    rows = cursor.fetchall()
    median3 = compiled.median_flat
    score = compiled.score_values
    results = {}
    for application, flat in rows:
        results[application] = score(median3(flat, ASSESSORS))
    return results


def run_floor(cursor):
    cursor.execute("SELECT application, round((100 * sum(weight * score / scale_max) "
                   "/ sum(weight))::numeric, 2) FROM bench_score WHERE score IS NOT NULL "
                   "GROUP BY application")
    return cursor.fetchall()


def run_floor_per_item(cursor):
    """A stricter reading of the same figure: the mean per item across assessors first."""
    cursor.execute("SELECT application, round((100 * sum(weight * mean / scale_max) "
                   "/ sum(weight))::numeric, 2) FROM (SELECT application, item, "
                   "avg(score) AS mean, min(weight) AS weight, min(scale_max) AS scale_max "
                   "FROM bench_score WHERE score IS NOT NULL GROUP BY application, item) AS t "
                   "GROUP BY application")
    return cursor.fetchall()


def timed(function, *args, repeat=3):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function(*args)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = parser.parse_args()
    compiled = compile_edition(bench_edition())
    with connection.cursor() as cursor:
        try:
            start = time.perf_counter()
            count = create_rows(cursor, compiled)
            print(f"rows: {count:,} ({APPLICATIONS:,} applications × {ITEMS} items × "
                  f"{ASSESSORS} assessors), loaded in {time.perf_counter() - start:.1f} s")
            floor_time, floor = timed(run_floor, cursor, repeat=args.repeat)
            per_item_time, _ = timed(run_floor_per_item, cursor, repeat=args.repeat)
            engine_time, batch = timed(run_engine, cursor, compiled, repeat=args.repeat)
            fetch_time, _ = timed(fetch_scores, compiled, repeat=args.repeat)
            scalar_time, scalar = timed(run_scalar_engine, cursor, compiled, repeat=args.repeat)
        finally:
            cursor.execute("DROP TABLE IF EXISTS bench_score")
    assert len(batch) == len(scalar) == len(floor) == APPLICATIONS
    for application, result in scalar.items():
        expected = result.as_dict()
        del expected["explanation"]
        assert batch.summary(application) == expected, application
    assert batch.result(0) == scalar[0]
    levels = {}
    for application in range(len(batch)):
        level = batch.level_code(application)
        levels[level] = levels.get(level, 0) + 1
    print(f"levels: {dict(sorted(levels.items(), key=lambda kv: str(kv[0])))}")
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    lines = [
        ("floor  (one SQL aggregate, weighted mean of all rows)", floor_time, ""),
        ("engine (read rows, median, score, level; batch)", engine_time,
         f"ratio {engine_time / floor_time:.2f}"),
        ("  of which reading the rows into an array", fetch_time, ""),
        ("floor, per-item mean first (slower; not the target)", per_item_time, ""),
        ("scalar engine (grouped read, one application a time)", scalar_time,
         f"ratio {scalar_time / floor_time:.2f}, same results"),
    ]
    for label, seconds, note in lines:
        print(f"{label + ':':55} {seconds:6.3f} s  {note}".rstrip())
    ok = engine_time <= 2 * floor_time and engine_time < 5
    print("target (ratio ≤ 2 and < 5 s):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
