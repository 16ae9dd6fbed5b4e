#!/usr/bin/env python
"""The deadline rush: a locust scenario against the production-style stack, in one command.

    python bench/load_deadline.py [--users 200] [--spawn-rate 2] [--duration 300]
                                  [--workers 3] [--postgres-url URL] [--keep]

1. Starts ``bench.stack.Stack``: a private PostgreSQL cluster (or a scratch database on
   ``--postgres-url``) and Redis, gunicorn with ``--workers`` sync workers, one Celery
   worker; migrates; seeds with ``bench/load_seed.py`` (the demo, 200 units with a
   coordinator and a draft application each, submitted applications for the desk review,
   secretariat accounts with a TOTP device). The public pages' per-address limit
   (PUBLIC_RATE_PER_MINUTE) is raised for the stack: the load generator is one address.
2. Runs locust headless (``bench/locust_deadline.py``: coordinators, secretariat, anonymous
   visitors, a floor probe), one process, ``--users`` arriving at ``--spawn-rate`` a second,
   for ``--duration`` seconds, recording the load average every 10 s and the CPU time of
   gunicorn, PostgreSQL, the Celery worker, Redis and locust itself.
3. Then, with nothing else of the scenario running, one client sends ``--probe-saves``
   autosaves one after the other: the CPU time of the gunicorn workers and of PostgreSQL
   over that count, added up, is the server CPU per autosave. The same for assessment pages,
   uploads and the status API (what any request costs) shows where the server's CPU goes.
4. Checks the database against every write the server acknowledged (``bench/load_check.py``).
5. Prints per request name: count, failures, p50/p95/p99/max at the client and requests per
   second; the floor (the status API and a static file, measured in the same run); where
   the time goes; the targets with PASS/FAIL. Exits 1 when a target is missed.

Targets (2 cores, 3 workers, 200 users arriving at 2/s, 300 s): no failure, nothing lost,
autosave p95 < 150 ms, every other request's p95 < 400 ms, server CPU per autosave < 15 ms.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from load_common import percentile, sha256_hex, tiny_pdf  # noqa: E402
from stack import PYTHON, ROOT, Stack, cpu_seconds  # noqa: E402

AUTOSAVE = "autosave"
AUTOSAVE_P95_MS = 150
PAGE_P95_MS = 400
CPU_PER_AUTOSAVE_MS = 15
PUBLIC_RATE = 1_000_000
FLOOR_PREFIX = "floor: "


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--duration", type=int, default=300, help="seconds, ramp included")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--postgres-url", help="use this server (a scratch database on it) "
                        "instead of a private cluster")
    parser.add_argument("--keep", action="store_true",
                        help="leave the stack running for inspection until Ctrl+C")
    parser.add_argument("--units", type=int, default=None,
                        help="coordinator units to seed (default: max(200, users))")
    parser.add_argument("--probe-saves", type=int, default=300)
    parser.add_argument("--results", help="also write the figures to this JSON file")
    args = parser.parse_args()
    args.units = args.units or max(200, args.users)
    signal.signal(signal.SIGTERM, interrupt)  # stop the stack on the way out, as on Ctrl+C

    base = Path(tempfile.mkdtemp(prefix="gecc-load-"))
    stack = Stack(base / "stack", workers=args.workers, postgres_url=args.postgres_url,
                  extra_env={"PUBLIC_RATE_PER_MINUTE": PUBLIC_RATE})
    try:
        stack.start_services()
        passed = run(args, stack, base)
        if args.keep:
            keep(stack, base)
    finally:
        stack.stop()
        shutil.rmtree(base, ignore_errors=True)
    return 0 if passed else 1


def interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args, stack, base):
    print(f"== GECC Certify: the deadline rush, {datetime.datetime.now():%Y-%m-%d %H:%M} ==")
    print(f"machine: {os.cpu_count()} cores ({cpu_model()}), Python "
          f"{platform.python_version()}; load average before: {loadavg_text()}")
    began = time.perf_counter()
    stack.migrate()
    migrated = time.perf_counter() - began
    accounts = base / "accounts.json"
    began = time.perf_counter()
    seeded = subprocess.run([PYTHON, str(BENCH / "load_seed.py"), "--out", str(accounts),
                             "--units", str(args.units)],
                            env=stack.env(), cwd=ROOT, capture_output=True, text=True)
    if seeded.returncode:
        raise RuntimeError(f"seeding failed:\n{seeded.stderr[-3000:]}")
    seed_info = json.loads(seeded.stdout.strip().splitlines()[-1])
    where = (f"scratch database on {host_of(args.postgres_url)}" if args.postgres_url
             else "private cluster")
    print(f"stack: gunicorn {args.workers} sync workers, 1 Celery worker, Redis, PostgreSQL "
          f"({where}); migrated in {migrated:.1f} s")
    print(f"seeded in {time.perf_counter() - began:.1f} s ({fmt_steps(seed_info['steps'])}): "
          f"{seed_info['coordinators']} coordinators with a draft application each, "
          f"{seed_info['submitted']} submitted applications, {seed_info['secretariat']} "
          "secretariat accounts with TOTP, the demo's certified centres")
    print(f"PUBLIC_RATE_PER_MINUTE={PUBLIC_RATE} for the stack (the load generator is one "
          "client address); the sign-in throttle counts failures only and is left as is")
    stack.serve()
    stack.start_worker()
    warm = warm_up(stack, json.loads(accounts.read_text()), args.workers)
    print(f"warm-up: {warm['requests']} requests in {warm['seconds']:.1f} s, {args.workers * 2} "
          "at a time, so every worker has loaded its views before the run")

    records_file = base / "records.json"
    meters = Meters(stack)
    load = LoadSampler()
    before = meters.sample()
    load.start()
    locust = run_locust(args, stack, accounts, records_file, base)
    load.stop()
    after = meters.sample()
    records = json.loads(records_file.read_text())

    probed = probe(stack, json.loads(accounts.read_text()), args.probe_saves, meters)
    merge_probe(records, probed)
    check_file = base / "records-checked.json"
    check_file.write_text(json.dumps(records))
    checked = subprocess.run([PYTHON, str(BENCH / "load_check.py"), "--records", str(check_file)],
                             env=stack.env(), cwd=ROOT, capture_output=True, text=True)
    if checked.returncode:
        raise RuntimeError(f"the check failed:\n{checked.stderr[-3000:]}")
    check = json.loads(checked.stdout.strip().splitlines()[-1])
    restarts = worker_restarts(stack)
    return report(args, records, locust, before, after, load.values, probed, check, restarts)


# -- measuring ---------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def loadavg_text() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def host_of(url):
    return re.sub(r"^[a-z]+://([^@/]*@)?", "", url).split("/")[0]


def fmt_steps(steps) -> str:
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps.items())


def _stat(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def tree_cpu(pid) -> float:
    """CPU seconds of ``pid`` and all its descendants, living or exited (an exited child's
    time is in its parent's cutime/cstime once reaped: a PostgreSQL backend that closed, a
    gunicorn worker that was replaced)."""
    if pid is None:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(entry.name)
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        fields = _stat(current)
        if fields is None:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        todo += children.get(current, [])
    return total / ticks


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (every core, /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class Meters:
    """CPU seconds so far of each part of the stack."""

    def __init__(self, stack):
        self.stack = stack
        self.postmaster = None
        if stack.postgres is not None:
            pid_file = stack.postgres.data / "postmaster.pid"
            self.postmaster = int(pid_file.read_text().splitlines()[0])

    def sample(self) -> dict:
        stack = self.stack
        return {"time": time.perf_counter(), "machine": machine_busy(),
                "gunicorn": tree_cpu(stack.server.pid),
                "workers": cpu_seconds(stack.worker_pids()),
                "worker_pids": sorted(stack.worker_pids()),
                "postgres": tree_cpu(self.postmaster) if self.postmaster else None,
                "celery": tree_cpu(stack.worker.pid if stack.worker else None),
                "redis": tree_cpu(stack.redis.process.pid if stack.redis.process else None)}


class LoadSampler:
    """The 1-minute load average every 10 s, in a thread, while the run lasts."""

    def __init__(self, every=10.0):
        self.every, self.values = every, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while True:
            self.values.append(float(Path("/proc/loadavg").read_text().split()[0]))
            if self._stop.wait(self.every):
                return

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()


def run_locust(args, stack, accounts, records_file, base):
    """Locust in one process; its CPU time comes from wait4 (itself and its children)."""
    log = open(base / "locust.log", "wb")  # noqa: SIM115 - closed below
    env = {**os.environ, "GECC_LOAD_ACCOUNTS": str(accounts),
           "GECC_LOAD_RECORDS": str(records_file)}
    command = [PYTHON, "-m", "locust", "-f", str(BENCH / "locust_deadline.py"), "--headless",
               "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
               "--host", stack.url, "--csv", str(base / "locust"), "--stop-timeout", "15",
               "--loglevel", "WARNING", "--only-summary"]
    print(f"locust: {args.users} users arriving at {args.spawn_rate:g}/s, {args.duration} s "
          f"(ramp included), against {stack.url} ...", flush=True)
    began = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        _pid, status, usage = os.wait4(process.pid, 0)
    except KeyboardInterrupt:
        process.terminate()
        process.wait(30)
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    log.close()
    wall = time.perf_counter() - began
    if not records_file.exists():
        tail = (base / "locust.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"locust wrote no records (exit {process.returncode}):\n{tail}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall,
            "exit": process.returncode, "max_rss_mb": usage.ru_maxrss / 1024}


def worker_restarts(stack) -> int:
    text = (stack.log_dir / "gunicorn.log").read_text(errors="replace")
    return len(re.findall(r"WORKER TIMEOUT|Worker \(pid:\d+\) was sent", text))


# -- warm-up and the sequential autosave probe ---------------------------------------------


def sign_in_probe(stack, accounts):
    """A requests session signed in as the probe coordinator (an account the load does
    not use), and the path of its application."""
    import requests

    account = accounts["probe"]
    session = requests.Session()
    login = session.get(stack.url + "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    base = f"/portal/applications/{account['application']}"
    signed = session.post(stack.url + "/accounts/login/", allow_redirects=False, data={
        "email": account["email"], "password": accounts["password"],
        "csrfmiddlewaretoken": token, "next": base + "/assessment/"})
    if signed.status_code != 302:
        raise RuntimeError(f"the probe could not sign in (HTTP {signed.status_code})")
    return session, base


def warm_up(stack, accounts, workers, rounds=4):
    """Every kind of page a few times, ``2 × workers`` requests at a time, so that each
    gunicorn worker has imported its views and filled its caches (a fresh worker's first
    requests take seconds): the rush meets a server that was already running. Reads only."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    session, base = sign_in_probe(stack, accounts)
    public = accounts["public"]
    paths = [base + "/", base + "/submit/", "/api/status/", "/", "/accounts/login/",
             f"/registry/?q={public['search_terms'][0]}", "/verify/GECC-2563-999999/"]
    paths += [f"{base}/assessment/?category={category}" for category in accounts["categories"]]
    paths += [f"/registry/centre/{code}/" for code in public["centres"][:2]]
    paths += [f"/verify/{number}/" for number in public["numbers"][:2]]
    cookies = session.cookies.get_dict()

    def get(path):
        anonymous = not path.startswith("/portal/")
        requests.get(stack.url + path, cookies=None if anonymous else cookies, timeout=60)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        for _ in range(rounds):
            list(pool.map(get, paths * 2))
    return {"requests": rounds * len(paths) * 2, "seconds": time.perf_counter() - began}


REVISION_INPUT = re.compile(r'<input[^>]*\bid="answer-revision-(\d+)"[^>]*>')
VALUE_ATTR = re.compile(r'\bvalue="(\d+)"')


def probe(stack, accounts, count, meters):
    """With nothing else of the scenario running, one signed-in coordinator sends ``count``
    autosaves one after the other, then opens ``count // 3`` assessment pages, uploads
    ``count // 6`` files and requests the status API ``count`` times (each kind after a
    short warm-up). Each kind's CPU per request is the CPU delta over its count: the
    gunicorn workers' and PostgreSQL's apart (their sum is the "server CPU per autosave"
    target)."""
    probe_account = accounts["probe"]
    application = probe_account["application"]
    session, base = sign_in_probe(stack, accounts)
    url = stack.url
    revisions = {}
    for category in accounts["categories"]:
        page = session.get(f"{url}{base}/assessment/?category={category}")
        for match in REVISION_INPUT.finditer(page.text):
            revisions[int(match.group(1))] = int(VALUE_ATTR.search(match.group(0)).group(1))
    answers = [a for a in probe_account["answers"] if a["pk"] in revisions]
    out = {"acked": {}, "unacked": {}, "uploads": [], "failures": 0, "kinds": {}}

    def headers():
        return {"HX-Request": "true", "X-CSRFToken": session.cookies.get("csrftoken"),
                "Referer": f"{url}{base}/assessment/"}

    def autosave(number):
        answer = answers[number % len(answers)]
        pk, score = answer["pk"], answer["scores"][number % len(answer["scores"])]
        explanation = f"ทดสอบบันทึกอัตโนมัติครั้งที่ {number} ({answer['ref']})"
        response = session.post(f"{url}/portal/answers/{pk}/save/", headers=headers(), data={
            "score": str(score), "explanation": explanation, "revision": str(revisions[pk])})
        stored = None
        for match in REVISION_INPUT.finditer(response.text):
            if int(match.group(1)) == pk:
                stored = int(VALUE_ATTR.search(match.group(0)).group(1))
        if response.status_code != 200 or stored != revisions[pk] + 1:
            out["unacked"][pk] = out["unacked"].get(pk, 0) + 1
            return False
        revisions[pk] = stored
        out["unacked"].pop(pk, None)
        out["acked"][pk] = {"application": application, "revision": stored, "score": score,
                            "not_applicable": False, "explanation": explanation}
        return True

    def assessment_page(number):
        category = accounts["categories"][number % len(accounts["categories"])]
        response = session.get(f"{url}{base}/assessment/?category={category}",
                               allow_redirects=False)
        return response.status_code == 200 and "answer-revision-" in response.text

    def upload(number):
        answer = answers[number % len(answers)]
        name = f"probe-{number}-{answer['ref']}.pdf"
        content = tiny_pdf(f"GECC probe evidence {number} {time.time()}")
        response = session.post(f"{url}/evidence/answer/{answer['pk']}/upload/",
                                headers=headers(), data={"next": base + "/assessment/"},
                                files={"file": (name, content, "application/pdf")})
        if response.status_code != 200 or name not in response.text \
                or "data-error-message" in response.text:
            return False
        out["uploads"].append({"application": application, "answer": answer["pk"],
                               "name": name, "sha256": sha256_hex(content),
                               "size": len(content)})
        return True

    def status(number):
        return session.get(url + "/api/status/").status_code == 200

    def measure(kind, calls, function, warm):
        for number in range(warm):
            out["failures"] += not function(number)
        timings = []
        before = meters.sample()
        for number in range(warm, warm + calls):
            began = time.perf_counter()
            out["failures"] += not function(number)
            timings.append((time.perf_counter() - began) * 1000)
        after = meters.sample()
        stable = before["worker_pids"] == after["worker_pids"]
        workers = (after["workers"] - before["workers"] if stable
                   else after["gunicorn"] - before["gunicorn"])
        out["kinds"][kind] = {
            "count": calls, "p50": percentile(timings, 0.5), "p95": percentile(timings, 0.95),
            "workers_ms": 1000 * workers / calls, "workers_stable": stable,
            "postgres_ms": (1000 * (after["postgres"] - before["postgres"]) / calls
                            if after["postgres"] is not None else None)}

    measure(AUTOSAVE, count, autosave, 10)
    measure("assessment page", max(1, count // 3), assessment_page, 3)
    measure("upload", max(1, count // 6), upload, 2)
    measure("status API", count, status, 10)
    return out


def merge_probe(records, probed):
    """The probe's acknowledged writes join the run's, for the database check."""
    records["autosaves"].update({str(pk): ack for pk, ack in probed["acked"].items()})
    for pk, count in probed["unacked"].items():
        records["unacknowledged_saves"][str(pk)] = count
    records["uploads"] += probed["uploads"]


# -- the report ----------------------------------------------------------------------------


def stats_rows(records, seconds):
    rows = []
    for name, values in records["timings"].items():
        rows.append({"name": name, "count": len(values),
                     "failures": records["failures"].get(name, 0),
                     "p50": percentile(values, 0.50), "p95": percentile(values, 0.95),
                     "p99": percentile(values, 0.99), "max": max(values) if values else 0,
                     "mean": sum(values) / len(values) if values else 0,
                     "rps": len(values) / seconds})
    return sorted(rows, key=lambda row: (row["name"].startswith(FLOOR_PREFIX), -row["count"]))


def report(args, records, locust, before, after, loads, probed, check, restarts):
    seconds = max(1e-9, records["stopped"] - records["started"])
    rows = stats_rows(records, seconds)
    total = sum(row["count"] for row in rows)
    failures = sum(row["failures"] for row in rows) + records["user_errors"]
    print()
    print(f"run: {seconds:.0f} s; users: {records['users']}; locust exit {locust['exit']}")
    header = (f"{'request':<30} {'count':>7} {'fail':>5} {'p50':>7} {'p95':>7} {'p99':>7} "
              f"{'max':>7} {'req/s':>7}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['name']:<30} {row['count']:>7} {row['failures']:>5} {row['p50']:>7.0f} "
              f"{row['p95']:>7.0f} {row['p99']:>7.0f} {row['max']:>7.0f} {row['rps']:>7.2f}")
    print("-" * len(header))
    print(f"{'all requests':<30} {total:>7} {failures:>5} {'':>31} {total / seconds:>7.2f}")
    print("(times in ms at the client, whole run including the ramp; percentiles of every "
          "request, nearest rank)")
    floor = [row for row in rows if row["name"].startswith(FLOOR_PREFIX)]
    for row in floor:
        print(f"floor in the same run, {row['name'][len(FLOOR_PREFIX):]}: p50 "
              f"{row['p50']:.0f} ms, p95 {row['p95']:.0f} ms (any request waits this long "
              "for a free worker and the CPU)")
    if records["errors"]:
        print("failures by message:")
        for message, count in sorted(records["errors"].items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {count:>5} × {message}")

    print()
    print("where the time goes (client time = count × mean):")
    timed = [row for row in rows if not row["name"].startswith(FLOOR_PREFIX)]
    spent = sum(row["count"] * row["mean"] for row in timed) or 1
    for row in sorted(timed, key=lambda r: -r["count"] * r["mean"])[:6]:
        share = row["count"] * row["mean"] / spent
        print(f"  {row['name']:<28} {row['count'] * row['mean'] / 1000:>8.1f} s  {share:>4.0%}"
              f"  (mean {row['mean']:.0f} ms)")

    wall = after["time"] - before["time"]
    parts = {"gunicorn (master + workers)": after["gunicorn"] - before["gunicorn"],
             "PostgreSQL (all processes)": (after["postgres"] - before["postgres"]
                                           if after["postgres"] is not None else None),
             "Celery worker": after["celery"] - before["celery"],
             "Redis": after["redis"] - before["redis"],
             "locust (load generator)": locust["cpu"]}
    machine = after["machine"] - before["machine"]
    known = sum(value for value in parts.values() if value is not None)
    print()
    print(f"CPU during the run ({wall:.0f} s wall, {os.cpu_count()} cores = "
          f"{wall * (os.cpu_count() or 1):.0f} CPU s available):")
    for name, value in parts.items():
        if value is None:
            print(f"  {name:<30} not measured (external server)")
        else:
            print(f"  {name:<30} {value:>7.1f} s  {value / wall:>5.0%} of one core  "
                  f"{1000 * value / max(total, 1):>6.1f} ms per request")
    print(f"  {'everything else on the machine':<30} {max(0.0, machine - known):>7.1f} s  "
          f"{max(0.0, machine - known) / wall:>5.0%} of one core")
    print(f"  machine busy {machine / (wall * (os.cpu_count() or 1)):.0%} of its CPU; locust "
          f"CPU warnings: {records['cpu_warnings']}; gunicorn worker restarts: {restarts}")
    if loads:
        print(f"load average (1 min, every 10 s): min {min(loads):.2f}  mean "
              f"{sum(loads) / len(loads):.2f}  max {max(loads):.2f}  ({len(loads)} samples)")

    print()
    kinds = probed["kinds"]
    print(f"sequential probe, one client, nothing else of the scenario running "
          f"(failures: {probed['failures']}):")
    print(f"  {'request':<18} {'count':>5} {'p50':>6} {'p95':>6}  {'server CPU per request':<34}"
          f"{'× count in the run':>20}")
    counts = {row["name"]: row["count"] for row in rows}
    for kind, measured in kinds.items():
        pg = (f" + PostgreSQL {measured['postgres_ms']:>4.1f}" if measured["postgres_ms"]
              is not None else "")
        in_run = counts.get(kind, counts.get(FLOOR_PREFIX + kind, 0))
        share = in_run * measured["workers_ms"] / 1000
        print(f"  {kind:<18} {measured['count']:>5} {measured['p50']:>6.1f} {measured['p95']:>6.1f}"
              f"  gunicorn {measured['workers_ms']:>5.1f} ms{pg:<20}"
              f"{share:>8.1f} s of gunicorn CPU")
    # The target's figure: the server's CPU for one autosave, the web process's and the
    # database's together (the database's only when its cluster is the stack's own).
    autosave_cpu = kinds[AUTOSAVE]["workers_ms"] + (kinds[AUTOSAVE]["postgres_ms"] or 0)
    print(f"  server CPU per autosave: {autosave_cpu:.1f} ms (gunicorn "
          f"{kinds[AUTOSAVE]['workers_ms']:.1f} + PostgreSQL "
          f"{kinds[AUTOSAVE]['postgres_ms'] or 0:.1f}: the target's figure), of which a status "
          f"API request's {kinds['status API']['workers_ms']:.1f} ms in gunicorn is what any "
          "request costs")

    print()
    print(f"database check: {check['autosaves']} answers with acknowledged autosaves, "
          f"{check['uploads']} uploads, {check['submissions']} submissions; "
          f"{check['explained_higher']} answers one revision ahead from saves cut at the end")
    print(f"lost: {len(check['lost'])}")
    for line in check["lost"][:20]:
        print(f"  {line}")

    autosave = next((row for row in rows if row["name"] == AUTOSAVE), None)
    pages = [row for row in rows if row["name"] != AUTOSAVE
             and not row["name"].startswith(FLOOR_PREFIX)]
    slow_pages = [f"{row['name']} {row['p95']:.0f} ms" for row in pages
                  if row["p95"] >= PAGE_P95_MS]
    targets = [
        ("no failures", failures + probed["failures"] == 0,
         f"{failures} in the run, {probed['failures']} in the probe"),
        ("nothing lost", not check["lost"], f"{len(check['lost'])} lost"),
        (f"autosave p95 < {AUTOSAVE_P95_MS} ms", autosave is not None
         and autosave["p95"] < AUTOSAVE_P95_MS,
         f"{autosave['p95']:.0f} ms" if autosave else "no autosave"),
        (f"every other request p95 < {PAGE_P95_MS} ms", not slow_pages,
         ", ".join(slow_pages) or f"slowest {max((r['p95'] for r in pages), default=0):.0f} ms"),
        (f"server CPU per autosave < {CPU_PER_AUTOSAVE_MS} ms",
         autosave_cpu < CPU_PER_AUTOSAVE_MS, f"{autosave_cpu:.1f} ms"),
    ]
    print()
    for name, passed, detail in targets:
        print(f"target {name}: {'PASS' if passed else 'FAIL'} ({detail})")

    if args.results:
        Path(args.results).write_text(json.dumps({
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "args": vars(args), "seconds": seconds, "rows": rows, "total": total,
            "failures": failures, "cpu": parts, "machine_cpu": machine, "loads": loads,
            "locust": locust, "probe": {"failures": probed["failures"], "kinds": kinds},
            "check": check, "targets": [[n, p, d] for n, p, d in targets]}, indent=1,
            ensure_ascii=False))
    return all(passed for _name, passed, _detail in targets)


def keep(stack, base):
    accounts = json.loads((base / "accounts.json").read_text())
    print()
    print(f"--keep: the stack runs at {stack.url} (database {stack.database_url}); files in "
          f"{base}")
    secretariat = accounts["secretariat"][0]
    print(f"  coordinator {accounts['coordinators'][0]['email']}, secretariat "
          f"{secretariat['email']} (TOTP key {secretariat['totp_key']}), "
          f"password {accounts['password']}")
    print("  Ctrl+C (or SIGTERM) stops it.", flush=True)
    signal.signal(signal.SIGINT, interrupt)  # a shell starts background jobs with it ignored
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
