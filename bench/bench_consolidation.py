"""Benchmark: the whole round's consolidation and proposed results, against one SQL aggregate.

A throwaway PostgreSQL database holds a round of the 60-item bench edition
(``bench_scoring.bench_edition``: 3 categories × 4 criteria × 5 items, scale 0–4), 7,500
accepted applications confirmed to 20 sub-committees of three scoring members, every
member's sheet submitted (22,500 sheets) with 60 item scores each: 1.35 million
``scoring.ItemScore`` rows written with COPY (5 % N/A where the item allows it), and an open
team sheet per application. Set-up (not timed) ends with ANALYZE.

Timed, best of ``--repeat`` runs, in the same database and run:

* **the figure**: ``gecc.scoring.domain.consolidation.propose_round(round)``, the whole
  function in its transaction: the check that every application has a team sheet (one query,
  none missing here), the open team sheets, the submitted sheets and the item ids (three
  queries), every raw score read in one query (three binary arrays parsed by numpy), the
  median per item and the scores of every application with the batch engine
  (``criteria.domain.batch.score_batch``: overall, category and criterion percentages,
  mandatory items, level), each team sheet's result document built and stored with one
  UPDATE, and the one audit entry;
* **the floor**: one SQL aggregate over the same ItemScore rows (same joins to the sheets
  and applications of the round): the weighted overall percentage per application, the mean
  of every numeric score (no median, no category, no level, nothing written).

Checked: the stored result of a sample of applications equals the scalar engine's
(``CompiledEdition.score`` of the members' medians). Target: figure ≤ 2 × floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc python bench/bench_consolidation.py

A database named after DATABASE_URL with a ``_bench`` suffix is created and dropped.
"""

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time

from benchdb import throwaway_database

APPLICATIONS, ITEMS, MEMBERS, TEAMS = 7500, 60, 3, 20
SEED = 2563
SAMPLE = 300


def build(seed):
    """The round, its people and sheets, and the 1.35 million scores (COPY)."""
    from bench_scoring import bench_edition
    from django.db import connection
    from django.utils import timezone

    from gecc.accounts.models import User
    from gecc.applications.models import Application
    from gecc.committees.enums import Position
    from gecc.committees.models import Assignment, Membership, SubCommittee
    from gecc.common.db import analyze
    from gecc.criteria.domain.editions import load_edition
    from gecc.criteria.enums import NodeKind
    from gecc.geography.models import Subdistrict
    from gecc.registry.models import Organization, ServiceUnit
    from gecc.rounds.models import Round
    from gecc.scoring.models import ItemScore, ScoreSheet, TeamSheet

    rng = random.Random(seed)
    version = load_edition(bench_edition()).version
    round_obj = Round.objects.create(year=2599, name="รอบทดสอบ 2599", edition=version,
                                     phase="site_visits")
    place = Subdistrict.objects.select_related("district").first()
    organization = Organization.objects.create(code="BENCH", name_th="หน่วยงานทดสอบ")
    units = ServiceUnit.objects.bulk_create([
        ServiceUnit(code=f"B{n:05d}", organization=organization, name_th=f"หน่วยทดสอบ {n}",
                    province_id=place.district.province_id, district_id=place.district_id,
                    subdistrict_id=place.pk, postcode="51000", unit_type="branch")
        for n in range(APPLICATIONS)], batch_size=2000)
    applications = Application.objects.bulk_create([
        Application(round=round_obj, unit=unit, state="accepted", target_level="basic",
                    contact_name="ผู้ประสานงาน") for unit in units], batch_size=2000)
    teams = SubCommittee.objects.bulk_create([SubCommittee(round=round_obj, number=k + 1)
                                              for k in range(TEAMS)])
    positions = [Position.CHAIR, Position.QUALIFIED, Position.SECRETARY]
    members = {}
    for team in teams:
        for position in positions:
            user = User.objects.create(email=f"m{team.number}-{position}@bench.example",
                                       full_name=f"กรรมการ {team.number} {position}")
            Membership.objects.create(subcommittee=team, user=user, position=position)
            members.setdefault(team.pk, []).append(user)
    team_of = [teams[i % TEAMS] for i in range(APPLICATIONS)]
    Assignment.objects.bulk_create([Assignment(round=round_obj, application=a,
                                               subcommittee=team_of[i], state="confirmed")
                                    for i, a in enumerate(applications)], batch_size=2000)
    now = timezone.now()
    sheets = ScoreSheet.objects.bulk_create([
        ScoreSheet(application=a, assessor=user, subcommittee=team_of[i], state="submitted",
                   submitted_at=now)
        for i, a in enumerate(applications) for user in members[team_of[i].pk]],
        batch_size=5000)
    TeamSheet.objects.bulk_create([TeamSheet(application=a, subcommittee=team_of[i])
                                   for i, a in enumerate(applications)], batch_size=5000)
    items = list(version.nodes.filter(kind=NodeKind.ITEM).order_by("position")
                 .values_list("pk", "na_allowed"))
    table = ItemScore._meta.db_table
    stamp = now.isoformat()
    columns = "sheet_id, item_id, value, not_applicable, note, device_id, updated_at"
    with connection.cursor() as cursor, \
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for k in range(0, len(sheets), MEMBERS):
            quality = rng.random()
            buffer = io.StringIO()
            for sheet in sheets[k:k + MEMBERS]:
                for item_id, na_allowed in items:
                    if na_allowed and rng.random() < 0.05:
                        buffer.write(f"{sheet.pk}\t{item_id}\t\\N\tt\t\t\t{stamp}\n")
                    else:
                        score = min(4, max(0, round(quality * 4 + rng.gauss(0, 0.8))))
                        buffer.write(f"{sheet.pk}\t{item_id}\t{score}\tf\t\t\t{stamp}\n")
            copy.write(buffer.getvalue())
    analyze(ItemScore, ScoreSheet, TeamSheet, Application, Assignment)
    return round_obj, ItemScore.objects.count()


def run_floor(round_obj):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.application_id, round((100 * sum(n.weight::float8 * s.value / 4) "
            "/ sum(n.weight::float8))::numeric, 2) FROM scoring_itemscore s "
            "JOIN scoring_scoresheet h ON h.id = s.sheet_id "
            "JOIN applications_application a ON a.id = h.application_id "
            "JOIN criteria_node n ON n.id = s.item_id "
            "WHERE a.round_id = %s AND h.state = 'submitted' AND NOT s.not_applicable "
            "AND s.value IS NOT NULL GROUP BY h.application_id", [round_obj.pk])
        return cursor.fetchall()


def run_figure(round_obj):
    from gecc.scoring.domain.consolidation import propose_round

    return propose_round(round_obj)


def timed(function, *args, repeat=3):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function(*args)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, value


def check(round_obj, sample, seed):
    """The stored result of ``sample`` applications against the scalar engine."""
    from gecc.scoring.domain.results import compiled_for
    from gecc.scoring.models import ItemScore, TeamSheet

    rng = random.Random(seed)
    team_sheets = list(TeamSheet.objects.filter(application__round=round_obj)
                       .select_related("application__round__edition", "application__unit"))
    for team_sheet in rng.sample(team_sheets, sample):
        compiled = compiled_for(team_sheet.application)
        answers = {}
        for ref, value, na in ItemScore.objects.filter(
                sheet__application=team_sheet.application).values_list(
                "item__ref", "value", "not_applicable"):
            answers.setdefault(ref, []).append(None if na else value)
        medians = {}
        for ref, values in answers.items():
            numbers = [v for v in values if v is not None]
            medians[ref] = statistics.median(numbers) if numbers else None
        expected = compiled.score(medians, team=True).as_dict()
        del expected["explanation"]
        stored = {key: team_sheet.result.get(key) for key in expected}
        assert stored == expected, (team_sheet.pk, stored, expected)
        assert team_sheet.result_percent == expected["overall_percent"]
    return len(team_sheets)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("skipped: bench_consolidation runs on PostgreSQL only (its floor is one "
              "PostgreSQL aggregate and the read uses PostgreSQL's binary arrays); set "
              "DATABASE_URL=postgres://…")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        drop = throwaway_database(tmp)
        try:
            return run(args)
        finally:
            if drop:
                drop()


def run(args):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    round_obj, rows = build(SEED)
    print(f"rows: {rows:,} item scores ({APPLICATIONS:,} applications × {ITEMS} items × "
          f"{MEMBERS} members), built in {time.perf_counter() - started:.1f} s")
    floor_time, floor = timed(run_floor, round_obj, repeat=args.repeat)
    figure_time, written = timed(run_figure, round_obj, repeat=args.repeat)
    assert len(floor) == written == APPLICATIONS, (len(floor), written)
    total = check(round_obj, SAMPLE, SEED)
    from django.db.models import Count

    from gecc.scoring.models import TeamSheet

    levels = dict(TeamSheet.objects.filter(application__round=round_obj)
                  .values_list("result_level").annotate(n=Count("pk")).order_by())
    print(f"team sheets: {total:,}; levels: {dict(sorted(levels.items()))}; "
          f"{SAMPLE} checked against the scalar engine")
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    ratio = figure_time / floor_time
    print(f"{'floor  (one SQL aggregate: weighted mean per application):':62} "
          f"{floor_time:6.3f} s")
    print(f"{'propose_round (read, median, score, level, store; batch):':62} "
          f"{figure_time:6.3f} s  ratio {ratio:.2f}")
    ok = ratio <= 2
    print("target (ratio ≤ 2):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
