#!/usr/bin/env python
"""Benchmark: import of a 20,000-unit XLSX against the floor.

The full import is ``parse_and_validate`` + ``apply`` (read, check every row, one transaction,
audit entry): what runs when the user confirms. The preview check that runs once on upload
(``parse_and_validate`` alone) is timed and printed too. The floor is the least any import must do: an openpyxl read-only read of the same
file plus one ``bulk_create`` of the same rows. Target: ratio ≤ 1.5.

Runs on a throwaway database: a fresh SQLite file in a temporary folder by default; with
DATABASE_URL set to PostgreSQL, a new database named after it with a ``_bench`` suffix is
created on that server and dropped afterwards.

    python bench/bench_registry_import.py [--units 20000]
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from benchdb import throwaway_database  # sets up sys.path and settings


def write_workbook(path, units, subdistricts):
    import openpyxl

    from gecc.registry.interfaces.formats import UNIT_COLUMNS

    rng = random.Random(2563)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("units")
    sheet.append(UNIT_COLUMNS)
    for number in range(1, units + 1):
        code, postcodes = rng.choice(subdistricts)
        sheet.append([f"B{number:06d}", f"ศูนย์บริการทดสอบที่ {number}", f"Bench unit {number}",
                      "BENCH", "branch", code, postcodes.split(",")[0],
                      f"{rng.uniform(13, 19):.6f}", f"{rng.uniform(98.5, 104):.6f}",
                      f"053{number:06d}", f"unit{number}@bench.example.go.th"])
    workbook.save(path)


def floor(path):
    """openpyxl read-only read + one bulk_create of the same rows."""
    import openpyxl

    from gecc.geography.models import Subdistrict
    from gecc.registry.models import Organization, ServiceUnit

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    workbook.close()
    org_id = Organization.objects.get(code="BENCH").pk
    places = {c: (d, p) for c, d, p in
              Subdistrict.objects.values_list("code", "district_id", "province_id")}
    ServiceUnit.objects.bulk_create([
        ServiceUnit(code=r[0], name_th=r[1], name_en=r[2], organization_id=org_id,
                    unit_type=r[4], subdistrict_id=r[5], district_id=places[r[5]][0],
                    province_id=places[r[5]][1], postcode=r[6], latitude=r[7],
                    longitude=r[8], phone=r[9], email=r[10])
        for r in rows], batch_size=1000)
    return time.perf_counter() - started


def preview_check(path):
    """The check that runs once when the file is uploaded (the preview), before the user
    confirms: parse and validate every row, write nothing."""
    from gecc.registry.enums import ImportKind
    from gecc.registry.interfaces.importers import parse_and_validate

    started = time.perf_counter()
    preview = parse_and_validate(path, ImportKind.UNITS)
    assert preview.is_valid
    return time.perf_counter() - started


def full_import(path):
    from gecc.registry.enums import ImportKind
    from gecc.registry.interfaces.importers import apply, parse_and_validate

    started = time.perf_counter()
    preview = parse_and_validate(path, ImportKind.UNITS)
    if not preview.is_valid:
        raise SystemExit(f"unexpected errors: {[str(e) for e in preview.errors[:5]]}")
    result = apply(preview)
    elapsed = time.perf_counter() - started
    assert result.created == len(preview.rows), result
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop = throwaway_database(tmp)
        try:
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connection

            from gecc.geography.models import Subdistrict
            from gecc.registry.models import Organization, ServiceUnit

            call_command("migrate", verbosity=0)
            Organization.objects.get_or_create(code="BENCH", defaults={"name_th": "หน่วยงานทดสอบ"})
            path = Path(tmp) / "units.xlsx"
            write_workbook(path, args.units,
                           list(Subdistrict.objects.values_list("code", "postcodes")))
            size = path.stat().st_size / (1024 * 1024)

            floor_seconds = floor(path)
            ServiceUnit.objects.all()._raw_delete(connection.alias)
            preview_seconds = preview_check(path)
            import_seconds = full_import(path)
            print(f"database: {connection.vendor}; {args.units} units; file {size:.1f} MB")
            print(f"full import (parse + validate + apply): {import_seconds:.2f} s")
            print(f"floor (openpyxl read-only + bulk_create): {floor_seconds:.2f} s")
            ratio = import_seconds / floor_seconds
            print(f"ratio: {ratio:.2f} (target <= 1.5: {'PASS' if ratio <= 1.5 else 'FAIL'})")
            print(f"preview check on upload (parse + validate, no writes): "
                  f"{preview_seconds:.2f} s")
        finally:
            if drop:
                drop()
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
