#!/usr/bin/env python
"""Benchmark: 900 certificate PDFs through the bulk path, against the raw renderer.

A throwaway database holds a round (B.E. 2563) with 900 certificates (900 generated
service units, one accepted application each, a closed steering-committee meeting, a
certify decision per application at one of the three levels, the certificates numbered
GECC-2563-000001 …). Times, in the same run:

* the bulk path: ``certificates.domain.pdf.certificate_pdfs`` over the round's
  certificates (reading them, rendering the Thai template with its QR code, printing each
  through one ``PdfRenderer``), exactly what the batch task does before zipping;
* the whole batch task (``batch.run_batch``: the same plus the ZIP into Django storage);
* the floor: a raw loop of Chromium page-to-PDF (``PdfRenderer.print_html``, one Chromium)
  on the same 900 HTML documents prepared beforehand.

    python bench/bench_certificates.py [--count 900] [--repeat 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc python bench/bench_certificates.py

Target: the bulk path ≤ 1.3 × the floor (best of ``--repeat`` runs each); exits 1 when
missed. Peak memory (maximum resident set size of this process and of its largest reaped
child, Chromium) is printed.
"""

import argparse
import datetime
import os
import resource
import sys
import tempfile
import time

from benchdb import throwaway_database

COUNT = 900
TARGET_RATIO = 1.3
YEAR = 2563


def build_round(count):
    """The round, its units, applications, meeting, decisions and ``count`` certificates."""
    from bench_calibration import edition_document
    from benchdb import generated_units
    from django.utils import timezone

    from gecc.applications.models import Application
    from gecc.certificates.domain.issue import certificate_number, level_of, validity
    from gecc.certificates.models import Certificate, CertificateSequence
    from gecc.common.db import analyze
    from gecc.criteria.domain.editions import load_edition
    from gecc.decisions.enums import DecisionOutcome, MeetingState
    from gecc.decisions.models import Decision, Meeting
    from gecc.registry.models import ServiceUnit
    from gecc.rounds.domain.rounds import create_round

    rows, _seconds = generated_units(count, "pk")
    units = {u.pk: u for u in ServiceUnit.objects.filter(pk__in=[pk for (pk,) in rows])}
    version = load_edition(edition_document()).version
    tz = timezone.get_fixed_timezone(datetime.timedelta(hours=7))

    def at(month, day):
        return datetime.datetime(2020, month, day, 9, 0, tzinfo=tz)

    round_obj = create_round(
        year=YEAR, name=f"รอบการประเมิน {YEAR}", edition=version, actor=None,
        applications_open_at=at(1, 6), applications_close_at=at(2, 28),
        desk_review_end_at=at(4, 30), site_visits_start_at=at(6, 1),
        site_visits_end_at=at(7, 31), decision_at=at(8, 31), announcement_at=at(9, 30))
    now = timezone.now()
    applications = Application.objects.bulk_create([
        Application(round=round_obj, unit=units[pk], kind="new", target_level="basic",
                    contact_name="ผู้ประสานงาน", state="accepted", accepted_at=now)
        for (pk,) in rows], batch_size=1000)
    meeting = Meeting.objects.create(round=round_obj, number=1,
                                     held_on=datetime.date(2020, 8, 20),
                                     state=MeetingState.CLOSED, closed_at=now)
    codes = ["basic", "advanced", "excellence"]
    decisions = Decision.objects.bulk_create([
        Decision(application=a, meeting=meeting, outcome=DecisionOutcome.CERTIFY,
                 level=codes[i % 3], proposed_level=codes[i % 3], decided_at=now)
        for i, a in enumerate(applications)], batch_size=1000)
    valid_from, valid_until = validity(meeting.held_on)
    certificates = []
    for sequence, decision in enumerate(decisions, start=1):
        rank, level = level_of(version, decision.level)
        unit = decision.application.unit
        certificates.append(Certificate(
            number=certificate_number(YEAR, sequence), year=YEAR, sequence=sequence,
            application=decision.application, decision=decision, unit=unit,
            organization_id=unit.organization_id, round=round_obj, level=decision.level,
            level_rank=rank, level_name_th=level["name_th"], level_name_en=level["name_en"],
            colour=level["colour"], valid_from=valid_from, valid_until=valid_until,
            issued_at=now))
    Certificate.objects.bulk_create(certificates, batch_size=1000)
    CertificateSequence.objects.create(year=YEAR, last=len(certificates))
    analyze(Application, Decision, Certificate)
    return round_obj


def bulk_path(round_obj):
    from gecc.certificates.domain.batch import batch_certificates
    from gecc.certificates.domain.pdf import certificate_pdfs

    started = time.perf_counter()
    pages = sum(1 for _certificate, pdf in certificate_pdfs(batch_certificates(round_obj))
                if pdf.startswith(b"%PDF-"))
    return time.perf_counter() - started, pages


def whole_task(round_obj):
    from gecc.certificates.domain.batch import run_batch
    from gecc.certificates.models import CertificateBatch

    batch = CertificateBatch.objects.create(round=round_obj)
    started = time.perf_counter()
    state = run_batch(batch.pk)
    seconds = time.perf_counter() - started
    batch.refresh_from_db()
    return seconds, state, batch


def floor(htmls):
    from gecc.certificates.domain.pdf import LANDSCAPE
    from gecc.common.documents import PdfRenderer

    started = time.perf_counter()
    with PdfRenderer() as renderer:
        pages = sum(1 for html in htmls
                    if renderer.print_html(html, landscape=LANDSCAPE).startswith(b"%PDF-"))
    return time.perf_counter() - started, pages


def peak_memory_mb():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run(count, repeat):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from gecc.certificates.domain.batch import batch_certificates
    from gecc.certificates.domain.pdf import certificate_html

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    round_obj = build_round(count)
    print(f"data: {batch_certificates(round_obj).count():,} certificates of round {YEAR} "
          f"({time.perf_counter() - started:.1f} s to build); database "
          f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    htmls = [certificate_html(c) for c in batch_certificates(round_obj)]
    floors, bulks = [], []
    for _ in range(repeat):
        seconds, pages = floor(htmls)
        assert pages == count, f"floor printed {pages} of {count}"
        floors.append(seconds)
        seconds, pages = bulk_path(round_obj)
        assert pages == count, f"bulk path printed {pages} of {count}"
        bulks.append(seconds)
    task_seconds, state, batch = whole_task(round_obj)
    best_floor, best_bulk = min(floors), min(bulks)
    ratio = best_bulk / best_floor
    own, children = peak_memory_mb()
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'floor (raw PdfRenderer.print_html, same HTML):':52} {best_floor:7.2f} s  "
          f"({best_floor / count * 1000:.1f} ms a document)")
    print(f"{'bulk path (certificate_pdfs):':52} {best_bulk:7.2f} s  "
          f"({best_bulk / count * 1000:.1f} ms a document, {ratio:.2f}x the floor)")
    print(f"{'whole batch task (run_batch, ZIP into storage):':52} {task_seconds:7.2f} s  "
          f"({task_seconds / best_floor:.2f}x the floor; {state}, {batch.size / 1e6:.1f} MB "
          f"ZIP, {batch.done} documents)")
    print(f"peak memory: this process {own:.0f} MB; largest child (Chromium) {children:.0f} MB")
    ok = ratio <= TARGET_RATIO and str(state) == "done"
    print(f"target (bulk path ≤ {TARGET_RATIO} × the floor):", "met" if ok else "NOT met")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=COUNT,
                        help=f"certificates to print (default {COUNT})")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs (default 1)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("GECC_DATA_DIR", tmp)
        os.environ["MEDIA_ROOT"] = os.path.join(tmp, "media")
        drop = throwaway_database(tmp)
        try:
            ok = run(args.count, args.repeat)
        finally:
            if drop:
                drop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
