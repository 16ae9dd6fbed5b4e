#!/usr/bin/env python
"""Benchmark: desk review and self-assessment pages in a national round.

Generates the national registry (20,000 units) and a round with 7,500 applications and full
self-assessments in a throwaway database, attaches evidence files to the sampled
applications, then times, through Django's test client:

- the secretariat's desk-review list of the round filtered by province (with paging);
- a coordinator's self-assessment page of one application, one category of it at a time
  (each item's score, explanation and evidence files, the index of every category with its
  progress, the missing list).

Prints the query count of each page (it must not depend on the data) and p50/p95/max server
time. Target: p95 under 150 ms on PostgreSQL.

    python bench/bench_applications.py [--applications 7500] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc python bench/bench_applications.py
"""

import argparse
import random
import statistics
import sys
import tempfile
import time

from benchdb import floor_line, throwaway_database, timed_get

SAMPLED_APPLICATIONS = 40
EVIDENCE_PER_APPLICATION = 30


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--applications", type=int, default=7500)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop = throwaway_database(tmp)
        try:
            passed = run(args)
        finally:
            if drop:
                drop()
    return 0 if passed else 1


def signed_in_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def attach_evidence(applications, user):
    from gecc.applications.models import Answer
    from gecc.evidence.models import EvidenceFile

    rows = []
    answers = Answer.objects.filter(application__in=applications).order_by("application_id", "pk")
    per_application = {}
    for answer in answers:
        seen = per_application.setdefault(answer.application_id, 0)
        if seen < EVIDENCE_PER_APPLICATION:
            per_application[answer.application_id] = seen + 1
            rows.append(EvidenceFile(
                answer=answer, file=f"evidence/{answer.application_id}/bench-{answer.pk}.pdf",
                original_name=f"หลักฐานข้อ {answer.pk}.pdf", kind="pdf",
                content_type="application/pdf", size=123456, sha256="0" * 64, uploaded_by=user))
    EvidenceFile.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def measure(client, paths, requests, rng):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = set()
    for path in paths:  # warm up, check, count queries
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts.add(len(queries))
    timings, database_times = [], []
    for _ in range(requests):
        elapsed, database, response = timed_get(client, rng.choice(paths))
        timings.append(elapsed)
        database_times.append(database)
        assert response.status_code == 200
    timings.sort()
    return counts, timings, database_times


def report(name, counts, timings, database_times):
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{name}: queries per request {sorted(counts)}; server time ms p50 "
          f"{statistics.median(timings):.1f}  p95 {p95:.1f}  max {timings[-1]:.1f}  "
          f"(target p95 < 150 ms: {'PASS' if p95 < 150 else 'FAIL'})")
    print(f"  {floor_line(timings, database_times)}")
    return p95 < 150


def run(args):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gecc.accounts.models import RoleGrant, User
    from gecc.applications.models import Answer, Application
    from gecc.common.db import analyze
    from gecc.evidence.models import EvidenceFile
    from gecc.registry.models import ServiceUnit

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_national_data", units=args.units, applications=args.applications,
                 verbosity=0)
    generated = time.perf_counter() - started

    secretariat = User.objects.create_user("bench-secretariat@example.go.th", "x")
    RoleGrant.objects.create(user=secretariat, role="secretariat")
    TOTPDevice.objects.create(user=secretariat, name="bench", confirmed=True)
    coordinator = User.objects.create_user("bench-coordinator@example.go.th", "x")
    RoleGrant.objects.create(user=coordinator, role="coordinator")

    rng = random.Random(2563)
    round_year = Application.objects.values_list("round__year", flat=True).first()
    editable = list(Application.objects.filter(state__in=["draft", "returned"])
                    .values_list("pk", "unit_id")[:SAMPLED_APPLICATIONS])
    sampled = [pk for pk, _unit in editable]
    for _pk, unit_id in editable:
        ServiceUnit.objects.get(pk=unit_id).coordinators.add(coordinator)
    files = attach_evidence(sampled, coordinator)
    analyze(Application, Answer, EvidenceFile)

    provinces = list(ServiceUnit.objects.filter(applications__isnull=False)
                     .values_list("province_id", flat=True).distinct())
    review = reverse("applications:review.list")
    review_paths = [f"{review}?round={round_year}&province={rng.choice(provinces)}"
                    for _ in range(20)]
    review_paths += [f"{review}?round={round_year}", f"{review}?round={round_year}&page=2",
                     f"{review}?round={round_year}&page=20"]
    # The self-assessment shows one category per page (the first one without ?category=):
    # every category of every sampled application, the default page included.
    categories = sorted(set(Answer.objects.filter(application_id__in=sampled)
                            .values_list("item__parent__parent__ref", flat=True)))
    assessment_paths = [reverse("portal:application.assessment", args=[pk]) + query
                        for pk in sampled
                        for query in ["", *(f"?category={ref}" for ref in categories)]]

    items = Answer.objects.filter(application_id=sampled[0]).count() if sampled else 0
    print(f"database: {connection.vendor}; {Application.objects.count():,} applications, "
          f"{Answer.objects.count():,} answers, {ServiceUnit.objects.count():,} units "
          f"(generated in {generated:.1f} s); {items} items per self-assessment, {files} "
          f"evidence files on {len(sampled)} sampled applications")
    review_ok = report("desk-review list, province filter",
                       *measure(signed_in_client(secretariat), review_paths, args.requests, rng))
    assessment_ok = report("self-assessment page",
                           *measure(signed_in_client(coordinator), assessment_paths,
                                    args.requests, rng))
    return review_ok and assessment_ok


if __name__ == "__main__":
    sys.exit(main())
