"""Restarts lose nothing, tried on a production-style stack (``tests/ops/conftest.py``).

* PostgreSQL restarted (``fast``, as for an upgrade; then ``immediate``, as in a crash)
  while coordinators autosave answers and upload evidence, each in its own thread, like the
  page: every request gets its normal answer or fails visibly (the Thai error page, or no
  connection), and a failed save is sent again; afterwards every acknowledged save is stored
  (the audit log names each acknowledged revision, the answer holds the last one), every
  acknowledged upload has its row and its file with the right SHA-256, no stored file lacks a
  row and no row its file, and requests succeed again as soon as the database is back,
  without restarting gunicorn.
* A Celery worker killed (SIGKILL to the worker and its pool) while it checks a large
  registry file, then while it writes it, then in the middle of handing an e-mail of a bulk
  send to the mail server: after a new worker and the sweep (``manage.py sweep_queues``), the
  registry holds every row of the file once, and every message went out once.
* Redis flushed while people are signed in and e-mails wait in the broker: everyone is still
  signed in (sessions are in the database), and the sweep sends each waiting message once.

The figures of each scenario are printed (run with ``-s`` to read them).
"""

import base64
import email
import hashlib
import io
import json
import os
import re
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import requests

from tests.ops import world
from tests.ops.conftest import STACK_ENV, Browser, ask, sql, wait_until

THAI_ERROR_PAGE = "ระบบขัดข้อง"  # the heading of the 500 page and of its plain fallbacks
REVISION_INPUT = r'<input[^>]*\bid="answer-revision-{pk}"[^>]*>'


def revision_in(html, pk):
    """The revision the answer's hidden input holds in an autosave answer or a card."""
    found = re.search(REVISION_INPUT.format(pk=pk), html)
    value = found and re.search(r'\bvalue="(\d+)"', found.group(0))
    return int(value.group(1)) if value else None


@pytest.fixture(scope="module")
def data(stack):
    return ask(stack, "build()")


def report(title, lines):
    print(f"\n== {title} ==")
    for line in lines:
        print(f"   {line}")


# -- PostgreSQL restarted during autosaves and uploads ----------------------------------------


class Log:
    """Every request of the scenario: when, what, and how it ended."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []

    def add(self, kind, started, ended, outcome, detail=""):
        with self.lock:
            self.entries.append({"kind": kind, "started": started, "ended": ended,
                                 "outcome": outcome, "detail": detail})


def classify(response):
    """``ok`` for the answer the page expects; ``5xx`` for the Thai error page; anything
    else is a wrong answer."""
    if response.status_code >= 500 and THAI_ERROR_PAGE in response.text:
        return "5xx"
    return f"wrong: {response.status_code} {response.text[:200]!r}"


class Coordinator(threading.Thread):
    """A signed-in coordinator doing ``step(number)`` (1, 2, …) on one answer until
    ``stop`` is set; an unexpected answer ends the thread with ``failed`` set."""

    def __init__(self, base_url, login, answer, log, stop):
        super().__init__(daemon=True)
        self.browser, self.login = Browser(base_url), login
        self.pk, self.log, self.stop = answer["pk"], log, stop
        self.failed = None

    def run(self):
        try:
            self.browser.sign_in(*self.login)
            number = 0
            while not self.stop.is_set():
                number += 1
                self.step(number)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.failed = exc
        finally:
            self.browser.close()

    def step(self, number):
        raise NotImplementedError


class Autosaver(Coordinator):
    """One answer's autosave, as the page does it: each change carries the revision of the
    last save; a failure is sent again until it is answered; a conflict after a failure
    (the failed save had in fact been stored) is resolved by reloading the answer, as the
    page's "Reload this answer" does."""

    def __init__(self, base_url, login, answer, log, stop):
        super().__init__(base_url, login, answer, log, stop)
        self.revision = answer["revision"]
        self.acknowledged = []  # (revision, explanation) of every save answered as saved
        self.recovered = 0  # saves reported failed that the reload showed were stored

    def step(self, number):
        self.save(f"ops save {self.pk}-{number}", str(number % 2))

    def save(self, explanation, score):
        path = f"/portal/answers/{self.pk}/save/"
        after_failure = False
        while True:
            started = time.monotonic()
            try:
                response = self.browser.post(path, {"score": score, "explanation": explanation,
                                                    "revision": self.revision}, htmx=True)
            except requests.RequestException as exc:
                self.log.add("autosave", started, time.monotonic(), "connection",
                             type(exc).__name__)
                after_failure = True
                time.sleep(0.2)
                continue
            ended = time.monotonic()
            if (response.status_code == 200
                    and revision_in(response.text, self.pk) == self.revision + 1):
                self.revision += 1
                self.acknowledged.append((self.revision, explanation))
                self.log.add("autosave", started, ended, "ok")
                return
            if (response.status_code == 409 and after_failure
                    and 'data-testid="answer-conflict"' in response.text
                    and self.reload(explanation)):
                self.log.add("autosave", started, ended, "conflict after a failure")
                self.recovered += 1
                return
            outcome = classify(response)
            self.log.add("autosave", started, ended, outcome)
            if outcome != "5xx":
                raise AssertionError(f"autosave of answer {self.pk}: {outcome}")
            after_failure = True
            time.sleep(0.2)

    def reload(self, explanation):
        for _attempt in range(20):
            response = self.browser.get(f"/portal/answers/{self.pk}/", htmx=True)
            if response.status_code < 500:
                break
            time.sleep(0.2)
        revision = revision_in(response.text, self.pk)
        if response.status_code != 200 or revision is None or explanation not in response.text:
            return False
        self.revision = revision
        self.acknowledged.append((self.revision, explanation))
        return True


def pdf(label: str) -> bytes:
    return (b"%PDF-1.4\n% " + label.encode() + b" " + os.urandom(16).hex().encode()
            + b"\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
            b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")


class Uploader(Coordinator):
    """Evidence uploads to one answer, one new file after another, as a coordinator
    would."""

    def __init__(self, base_url, login, answer, log, stop, label):
        super().__init__(base_url, login, answer, log, stop)
        self.label = label
        self.acknowledged = {}  # sha256 → file name, of every upload answered as stored

    def step(self, number):
        self.upload(f"{self.label}-{number}.pdf", pdf(f"{self.label}-{number}"))

    def upload(self, name, content):
        started = time.monotonic()
        try:
            response = self.browser.post(f"/evidence/answer/{self.pk}/upload/",
                                         files={"file": (name, content, "application/pdf")},
                                         htmx=True)
        except requests.RequestException as exc:
            self.log.add("upload", started, time.monotonic(), "connection", type(exc).__name__)
            time.sleep(0.2)
            return
        ended = time.monotonic()
        if response.status_code == 200 and name in response.text:
            self.acknowledged[hashlib.sha256(content).hexdigest()] = name
            self.log.add("upload", started, ended, "ok")
            return
        outcome = classify(response)
        self.log.add("upload", started, ended, outcome)
        if outcome != "5xx":
            raise AssertionError(f"upload {name}: {outcome}")
        time.sleep(0.2)


def burst(base_url, cookies, log, size=16):
    """``size`` page loads at once, right after the database is back: more than gunicorn has
    threads, so every thread (and its persistent database connection) serves one, including
    threads that served nothing while the database was down."""

    def load():
        started = time.monotonic()
        try:
            response = requests.get(base_url + "/portal/", cookies=cookies, timeout=30)
        except requests.RequestException as exc:
            log.add("burst", started, time.monotonic(), "connection", type(exc).__name__)
            return
        ok = response.status_code == 200 and "/accounts/login/" not in response.url
        log.add("burst", started, time.monotonic(), "ok" if ok else classify(response))

    threads = [threading.Thread(target=load) for _ in range(size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def outage_figures(log, mode, down_at, up_at, until):
    """Requests of one restart (from the stop to ``until``), failures by kind, and how long
    after the database was back the first request succeeded."""
    entries = [e for e in log.entries if e["ended"] >= down_at and e["started"] <= until]
    outcomes = Counter(e["outcome"] for e in entries)
    first_ok = min((e["ended"] for e in entries
                    if e["outcome"] == "ok" and e["started"] >= up_at), default=None)
    # A conflict after a failure is the right answer to a save sent again after a 5xx
    # whose first copy had been stored: the page reloads the answer.
    failed_after = [e for e in entries if e["started"] >= up_at
                    and e["outcome"] not in ("ok", "conflict after a failure")]
    return {"mode": mode, "requests": len(entries), "outcomes": dict(outcomes),
            "outage_s": round(up_at - down_at, 2),
            "first_success_after_back_s": None if first_ok is None else round(first_ok - up_at, 3),
            "failed_after_back": len(failed_after)}


def test_postgres_restarts_during_autosaves_and_uploads(stack, data):
    log, stop = Log(), threading.Event()
    first, second = data["applications"]
    savers = [Autosaver(stack.url, (first["coordinator"], world.PASSWORD), answer, log, stop)
              for answer in first["answers"]]
    uploaders = [Uploader(stack.url, (second["coordinator"], world.PASSWORD), answer, log,
                          stop, f"ops-upload-{number}")
                 for number, answer in enumerate(second["answers"][:2])]
    threads = savers + uploaders
    for thread in threads:
        thread.start()
    reader = Browser(stack.url).sign_in(second["coordinator"], world.PASSWORD)
    outages = []
    try:
        wait_until(lambda: all(thread.failed or thread.acknowledged for thread in threads),
                   60, "every thread saved once")
        burst(stack.url, reader.http.cookies.get_dict(), log)  # every gunicorn thread connected
        for mode in ("fast", "immediate"):
            time.sleep(1.0)
            down_at = time.monotonic()
            stack.postgres.restart(down_seconds=2, mode=mode)
            up_at = time.monotonic()
            burst(stack.url, reader.http.cookies.get_dict(), log)
            time.sleep(3.0)
            outages.append((mode, down_at, up_at, time.monotonic()))
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
        reader.close()
    for thread in threads:
        assert thread.failed is None, thread.failed
        assert not thread.is_alive()

    figures = [outage_figures(log, *outage) for outage in outages]
    everything = Counter(entry["outcome"] for entry in log.entries)
    report("PostgreSQL restarted during autosaves and uploads", [
        f"all requests: {len(log.entries)} ({dict(everything)})",
        *[json.dumps(figure, ensure_ascii=False) for figure in figures],
        f"saves stored though answered 5xx (found by reloading the answer): "
        f"{sum(saver.recovered for saver in savers)}"])
    # Every request got its normal answer or failed visibly; the restarts were felt.
    assert set(everything) <= {"ok", "5xx", "connection", "conflict after a failure"}
    assert all(figure["outcomes"].get("ok") for figure in figures)
    assert sum(everything[kind] for kind in ("5xx", "connection")) > 0
    # Once the database answers again, so does every request: no worker keeps a broken
    # persistent connection, nothing needs gunicorn restarted.
    for figure in figures:
        assert figure["failed_after_back"] == 0, figure
        assert figure["first_success_after_back_s"] is not None, figure

    # Every acknowledged save is stored: the audit log names each acknowledged revision
    # with its text, and the answer holds the last one.
    stored = ask(stack, f"answers_and_audit({[saver.pk for saver in savers]})")
    for saver in savers:
        answer = stored[str(saver.pk)]
        last_revision, last_text = saver.acknowledged[-1]
        assert (answer["revision"], answer["explanation"]) == (last_revision, last_text)
        for revision, text in saver.acknowledged:
            assert answer["audited"].get(str(revision)) == text, (saver.pk, revision)

    # Every acknowledged upload has its row and its file; no file without a row, no row
    # without its file, and every stored file has the SHA-256 of its row.
    rows = ask(stack, f"evidence_rows({[second['pk']]})")
    media = stack.data_dir / "media"
    acknowledged = {sha: name for uploader in uploaders
                    for sha, name in uploader.acknowledged.items()}
    by_sha = {row["sha256"]: row for row in rows}
    missing = [name for sha, name in acknowledged.items() if sha not in by_sha]
    assert missing == []
    for row in rows:
        path = media / row["name"]
        assert path.is_file(), f"row without its file: {row}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]
    on_disk = {str(path.relative_to(media)) for path in (media / "evidence").rglob("*")
               if path.is_file()}
    assert on_disk == {row["name"] for row in rows}, "files without a row"
    report("uploads", [f"acknowledged {len(acknowledged)}, rows {len(rows)} (rows of uploads "
                       f"answered 5xx: {len(rows) - len(acknowledged)}), files {len(on_disk)}"])


def test_the_first_requests_after_a_restart_while_idle_succeed(stack, data):
    """PostgreSQL restarted while nobody used the site: gunicorn's threads keep their
    persistent connections (CONN_MAX_AGE), which the restart broke; the first request of
    each thread afterwards must not be the one that finds out."""
    log = Log()
    reader = Browser(stack.url).sign_in(data["coordinators"][1], world.PASSWORD)
    try:
        cookies = reader.http.cookies.get_dict()
        burst(stack.url, cookies, log, size=24)  # every thread holds a live connection
        assert {entry["outcome"] for entry in log.entries} == {"ok"}
        down_at = time.monotonic()
        stack.postgres.restart(down_seconds=1, mode="fast")
        up_at = time.monotonic()
        burst(stack.url, cookies, log, size=24)
    finally:
        reader.close()
    after = [entry for entry in log.entries if entry["started"] >= up_at]
    outcomes = Counter(entry["outcome"] for entry in after)
    report("PostgreSQL restarted while idle", [
        f"outage {up_at - down_at:.2f} s; the {len(after)} page loads right after: "
        f"{dict(outcomes)}"])
    assert outcomes == {"ok": len(after)}


# -- a worker killed in the middle of a registry import --------------------------------------


IMPORT_ROWS = 4000


def registry_workbook(rows) -> bytes:
    import openpyxl

    from gecc.registry.interfaces.formats import UNIT_COLUMNS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("units")
    sheet.append(UNIT_COLUMNS)
    for number in range(1, rows + 1):
        sheet.append([f"OPS{number:06d}", f"ศูนย์บริการทดสอบการนำเข้าที่ {number}",
                      f"Import test unit {number}", world.IMPORT_ORGANIZATION, "branch",
                      "510301", "51130", "18.330860", "98.819250", f"053{number:06d}",
                      f"unit{number}@{world.MAIL_DOMAIN}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def job_state(stack, pk):
    [(status, progress)] = sql(stack, "SELECT status, progress FROM registry_importjob "
                                      "WHERE id = %s", (pk,))
    return status, progress


def writing(stack):
    """A transaction of the stack's database has written and not committed yet: the
    import's, which writes every row in one transaction (nothing else writes meanwhile)."""
    [(count,)] = sql(stack, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND backend_xid IS NOT NULL "
                            "AND pid <> pg_backend_pid()")
    return count > 0


def units_imported(stack):
    [(count, distinct)] = sql(stack, "SELECT count(*), count(DISTINCT u.code) FROM "
                                     "registry_serviceunit u JOIN registry_organization o "
                                     "ON o.id = u.organization_id WHERE o.code = %s",
                              (world.IMPORT_ORGANIZATION,))
    return count, distinct


def unacked_tasks(stack):
    """The task messages the broker keeps for workers that have not acknowledged them:
    ``(task name, arguments, task id)``."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=stack.redis.port, db=0)
    found = []
    for raw in client.hvals("unacked"):
        message = json.loads(raw)[0]
        body = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], body[0], message["headers"]["id"]))
    client.close()
    return found


def task_result(stack, task_id):
    """The result a worker logged for ``task_id`` (its first run to the end), or None."""
    for line in (stack.log_dir / "celery.log").read_text(errors="replace").splitlines():
        if f"[{task_id}] succeeded" in line:
            return line.rsplit(": ", 1)[-1].strip("'")
    return None


def deliver_held_again(stack, held, killed_at, **worker_env):
    """Let the broker give the tasks a dead worker held to a live one, and wait until each
    has run there; ``{task id: its result}``. A worker takes such a task back once it is
    older than the visibility timeout: when the worker starts, and every couple of minutes
    while it runs (so it may have happened already, during the sweep)."""
    if any(task_result(stack, task_id) is None for _name, _args, task_id in held):
        visibility = float(STACK_ENV["CELERY_VISIBILITY_TIMEOUT"])
        time.sleep(max(0.0, killed_at + visibility + 0.5 - time.time()))
        stack.kill_worker()  # idle: it holds nothing
        stack.start_worker(**worker_env)
    return {task_id: wait_until(lambda task_id=task_id: task_result(stack, task_id), 40,
                                f"task {task_id} run again")
            for _name, _args, task_id in held}


def test_worker_killed_during_a_registry_import(stack, data):
    browser = Browser(stack.url).sign_in(data["secretariat"], world.PASSWORD,
                                         world.TOTP_KEY_HEX)
    figures = []
    try:
        page = browser.get("/registry/imports/new/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = browser.post("/registry/imports/new/", {"csrfmiddlewaretoken": token,
                                                           "kind": "units"},
                                files={"file": ("units.xlsx", registry_workbook(IMPORT_ROWS))},
                                allow_redirects=False)
        assert response.status_code == 302, response.text[:500]
        pk = int(re.search(r"/imports/(\d+)/", response.headers["Location"]).group(1))

        # Killed while checking the rows: the sweep checks the file again.
        wait_until(lambda: job_state(stack, pk)[1] >= 10, 60, "the check under way",
                   interval=0.05)
        stack.kill_worker()
        killed_at = job_state(stack, pk)
        assert killed_at[0] == "validating" and killed_at[1] < 100, killed_at
        stack.start_worker()
        time.sleep(3.2)  # REGISTRY_IMPORT_STALL_SECONDS
        stack.manage("sweep_queues")
        assert job_state(stack, pk) == ("awaiting_confirmation", 100)
        figures.append(f"killed while checking at {killed_at[1]} %: checked again by the "
                       f"sweep")

        # Killed while writing: its transaction rolls back, the sweep imports it again.
        page = browser.get(f"/registry/imports/{pk}/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = browser.post(f"/registry/imports/{pk}/confirm/",
                                {"csrfmiddlewaretoken": token})
        assert response.status_code == 200
        wait_until(lambda: job_state(stack, pk)[0] == "running"
                   and job_state(stack, pk)[1] >= 30 and writing(stack), 60,
                   "the rows being written", interval=0.02)
        stack.kill_worker()
        killed_time = time.time()
        held = unacked_tasks(stack)
        killed_at = job_state(stack, pk)
        assert killed_at[0] == "running", killed_at
        assert units_imported(stack) == (0, 0)  # nothing half-written
        stack.start_worker()
        result = stack.manage("sweep_queues")
        state = ask(stack, f"import_job({pk})")
        assert state["status"] == "succeeded", state
        assert (state["created"], state["units"], state["distinct_units"]) == (
            IMPORT_ROWS, IMPORT_ROWS, IMPORT_ROWS)
        # The broker gives the tasks the two dead workers held (the check, the import) to
        # a worker again, which finds the job done and writes nothing.
        assert sorted((name, args) for name, args, _id in held) == [
            ("gecc.registry.tasks.import_file_task", [pk]),
            ("gecc.registry.tasks.validate_file_task", [pk, "th"])]
        again = deliver_held_again(stack, held, killed_time)
        # Each found the job done, or being imported by the sweep (under the job's lock).
        assert set(again.values()) <= {"succeeded", "running"}, again
        assert units_imported(stack) == (IMPORT_ROWS, IMPORT_ROWS)
        assert job_state(stack, pk) == ("succeeded", 100)
        figures += [f"killed while writing at {killed_at[1]} %, 0 rows written; "
                    f"the tasks the dead workers held, run again: {again}",
                    f"sweep: {result.stdout.strip()}",
                    f"rows expected {IMPORT_ROWS}, found {state['units']} "
                    f"({state['distinct_units']} distinct)"]
    finally:
        browser.close()
    report("worker killed during a registry import", figures)


# -- a worker killed in the middle of a bulk e-mail ----------------------------------------------


def mail_files(stack):
    """Recipient → Message-IDs of every message file written."""
    sent = defaultdict(list)
    for path in Path(stack.mail_dir).glob("*.log"):
        for part in path.read_text().split("\n" + "-" * 79 + "\n"):
            if not part.strip():
                continue
            message = email.message_from_string(part)
            sent[message["To"]].append(message["Message-ID"])
    return sent


def test_worker_killed_during_a_bulk_email(stack, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    slow = {"EMAIL_BACKEND": "tests.ops.mailbackend.SlowFileBackend",
            "OPS_MAIL_MARKERS": str(markers)}
    stack.kill_worker()
    stack.start_worker(OPS_MAIL_DELAY="0.3", **slow)
    count = 60
    pks = ask(stack, f"queue_mail('bulk', {count})")

    def mid_send():
        # A hand-over just begun (its file comes 0.3 s later) after a third were sent.
        if sum(len(ids) for ids in mail_files(stack).values()) < count // 3:
            return False
        for marker in markers.glob("sending-*"):
            try:
                return time.time() - float(marker.read_text()) < 0.1
            except (OSError, ValueError):
                continue
        return False

    wait_until(mid_send, 90, "a message half-way to the mail server", interval=0.01)
    stack.kill_worker()
    killed_time = time.time()
    before = ask(stack, f"outbox_state({pks})")
    sent_before = sum(len(ids) for ids in mail_files(stack).values())
    held = unacked_tasks(stack)
    assert before["statuses"].get("sending") == 1, before["statuses"]

    # A new worker takes what is left in the broker while the sweep, started once those
    # messages are overdue, sends what nobody else will (the message that was on its way)
    # and races the worker for the rest, oldest first, as a sweep started by beat during a
    # long bulk send would.
    stack.start_worker(OPS_MAIL_DELAY="0.15", **slow)
    time.sleep(3.2)  # OUTBOX_SWEEP_AFTER_SECONDS
    result = stack.manage("sweep_queues")
    wait_until(lambda: ask(stack, f"outbox_state({pks})")["statuses"] == {"sent": count}, 60,
               "every message sent", interval=0.5)
    # The task of the message that was on its way, which the broker still held for the
    # dead worker, runs again and sends nothing.
    sending = [pk for pk, status in before["by_pk"].items() if status == "sending"]
    assert [(name, args) for name, args, _id in held] == [
        ("gecc.notifications.send_outbox_message", [int(sending[0])])]
    again = deliver_held_again(stack, held, killed_time)
    # It found the message sent, or being sent by the sweep (claimed "sending").
    assert set(again.values()) <= {"sent", "sending"}, again
    sent = {to: ids for to, ids in mail_files(stack).items() if to.startswith("bulk")}
    report("worker killed during a bulk e-mail", [
        f"e-mails expected {count}; sent before the kill {sent_before}; statuses at the kill "
        f"{before['statuses']}; the task the dead worker held, run again: {again}",
        f"sweep: {result.stdout.strip()}",
        f"recipients with one message {sum(len(ids) == 1 for ids in sent.values())}, "
        f"with more {sum(len(ids) > 1 for ids in sent.values())}, "
        f"files {sum(len(ids) for ids in sent.values())}"])
    assert sorted(sent) == [f"bulk{n:03d}@{world.MAIL_DOMAIN}" for n in range(count)]
    assert {to: len(ids) for to, ids in sent.items() if len(ids) != 1} == {}


# -- Redis flushed -------------------------------------------------------------------------------


def test_redis_flushed_keeps_sessions_and_the_sweep_sends_waiting_mail(stack, data):
    coordinator = Browser(stack.url).sign_in(data["coordinators"][0], world.PASSWORD)
    secretariat = Browser(stack.url).sign_in(data["secretariat"], world.PASSWORD,
                                             world.TOTP_KEY_HEX)
    try:
        stack.kill_worker()  # the messages' tasks wait in Redis, taken by nobody
        count = 20
        pks = ask(stack, f"queue_mail('flush', {count})")
        waiting = _queue_length(stack)
        assert waiting == count
        stack.redis.flush()
        assert _queue_length(stack) == 0
        # Still signed in: the next request of each is answered as before.
        application = data["applications"][0]["pk"]
        response = coordinator.get(f"/portal/applications/{application}/", timeout=10)
        assert response.status_code == 200 and "/accounts/login/" not in response.url
        response = secretariat.get("/registry/imports/new/", timeout=10)
        assert response.status_code == 200 and "/accounts/" not in response.url
        stack.start_worker()
        time.sleep(3.2)  # OUTBOX_SWEEP_AFTER_SECONDS
        assert ask(stack, f"outbox_state({pks})")["statuses"] == {"queued": count}
        first = stack.manage("sweep_queues")
        second = stack.manage("sweep_queues")
        assert ask(stack, f"outbox_state({pks})")["statuses"] == {"sent": count}
        sent = {to: ids for to, ids in mail_files(stack).items() if to.startswith("flush")}
        assert sorted(sent) == [f"flush{n:03d}@{world.MAIL_DOMAIN}" for n in range(count)]
        assert all(len(ids) == 1 for ids in sent.values())
        report("Redis flushed", [
            f"task messages lost with the flush {waiting}; signed-in sessions kept 2 of 2",
            f"first sweep: {first.stdout.strip()}", f"second sweep: {second.stdout.strip()}",
            f"e-mails expected {count}, sent {sum(len(ids) for ids in sent.values())}"])
    finally:
        coordinator.close()
        secretariat.close()


def _queue_length(stack):
    import redis

    client = redis.Redis(host="127.0.0.1", port=stack.redis.port, db=0)
    try:
        return client.llen("celery")
    finally:
        client.close()
