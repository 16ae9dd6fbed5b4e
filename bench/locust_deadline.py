"""Locust users of the deadline-rush load scenario; ``bench/load_deadline.py`` runs this file
against a production-style stack. Not a benchmark of ``make bench`` (its name does not start
with ``bench_``) and never imported by the test suite or by ``src/``: locust patches the
standard library with gevent.

Environment:

- ``GECC_LOAD_ACCOUNTS``: the JSON file ``bench/load_seed.py`` wrote (accounts, applications
  and their answers, certificate numbers);
- ``GECC_LOAD_RECORDS``: where to write, when the run stops, every request's time by name,
  the failures, and what the server acknowledged (autosaves, uploads, submissions), which
  the driver then checks against the database.

Users:

- ``Coordinator`` (weight 9): takes a seeded account of its own, signs in, opens the
  self-assessment, then, 3-10 s apart (think time), autosaves one answer at a time with
  the revision the page or the previous save showed, uploads the evidence files the
  required items still lack, now and then opens another category or edits an answer again,
  and, once nothing is missing, submits; afterwards it looks at its application now and
  then.
- ``Secretariat`` (2 users): signs in with a password and a TOTP code, reads the
  desk-review list (pages, filters) and opens applications, 5-15 s apart.
- ``Visitor`` (weight 1, anonymous): the public home page, registry searches, centre pages,
  certificate verification (a made-up number's "not found" page is a 404, counted as a
  success), 5-15 s apart.
- ``FloorProbe`` (1 user): the status API and a static file every 2 s, the floor the
  other figures are read against (what any request costs on the loaded server).
"""

import json
import os
import random
import re
import secrets
import sys
import time
from collections import defaultdict
from pathlib import Path

from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_common import sha256_hex, tiny_pdf, totp  # noqa: E402

_DATA = None


def data():
    global _DATA
    if _DATA is None:
        _DATA = json.loads(Path(os.environ["GECC_LOAD_ACCOUNTS"]).read_text())
        _DATA["free_coordinators"] = list(_DATA["coordinators"])
        _DATA["free_secretariat"] = list(_DATA["secretariat"])
    return _DATA


# What the run records (one locust process: the users are greenlets, no locking needed).
TIMINGS = defaultdict(list)   # request name -> response times (ms)
FAILURES = defaultdict(int)   # request name -> failures
ERRORS = defaultdict(int)     # "name: message" -> count
ACKED_SAVES = {}              # answer pk -> the last save the server acknowledged
UNACKED_SAVES = defaultdict(int)  # answer pk -> saves sent since then, not acknowledged
UPLOADS = []                  # acknowledged uploads
UNACKED_UPLOADS = [0]
SUBMISSIONS = {}              # application pk -> receipt number shown afterwards
RUN = {"started": None, "stopped": None, "users": defaultdict(int), "cpu_warnings": 0,
       "user_errors": 0}

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION_INPUT = re.compile(r'<input[^>]*\bid="answer-revision-(\d+)"[^>]*>')
VALUE_ATTR = re.compile(r'\bvalue="(\d+)"')
RECEIPT = re.compile(r"GECC-\d{4}-\d{6}-\d{2}")
REVIEW_LINK = re.compile(r'href="/applications/review/(\d+)/"')
EXPLANATIONS = ["ดำเนินการครบถ้วนตามเกณฑ์ มีภาพถ่ายและรายงานผลประกอบ",
                "มีคำสั่งแต่งตั้งคณะทำงานและติดตามผลทุกไตรมาส",
                "จัดทำแผนปรับปรุงงานบริการและสำรวจความพึงพอใจผู้รับบริการ",
                "อยู่ระหว่างปรับปรุงระบบคิวและป้ายบอกทาง"]


@events.request.add_listener
def on_request(request_type, name, response_time, response_length, exception=None, **kw):
    TIMINGS[name].append(response_time)
    if exception is not None:
        FAILURES[name] += 1
        ERRORS[f"{name}: {str(exception)[:160]}"] += 1


@events.user_error.add_listener
def on_user_error(user_instance, exception, tb, **kw):
    RUN["user_errors"] += 1
    ERRORS[f"user error ({type(user_instance).__name__}): {exception!r}"[:200]] += 1


@events.cpu_warning.add_listener
def on_cpu_warning(environment, cpu_usage, **kw):
    RUN["cpu_warnings"] += 1


@events.test_start.add_listener
def on_test_start(environment, **kw):
    RUN["started"] = time.time()


@events.test_stop.add_listener
def on_test_stop(environment, **kw):
    RUN["stopped"] = time.time()
    write_records()


@events.quitting.add_listener
def on_quitting(environment, **kw):
    write_records()


def write_records():
    target = os.environ.get("GECC_LOAD_RECORDS")
    if not target:
        return
    Path(target).write_text(json.dumps({
        "started": RUN["started"], "stopped": RUN["stopped"] or time.time(),
        "users": dict(RUN["users"]), "cpu_warnings": RUN["cpu_warnings"],
        "user_errors": RUN["user_errors"],
        "timings": TIMINGS, "failures": FAILURES, "errors": ERRORS,
        "autosaves": ACKED_SAVES, "unacknowledged_saves": UNACKED_SAVES,
        "uploads": UPLOADS, "unacknowledged_uploads": UNACKED_UPLOADS[0],
        "submissions": SUBMISSIONS}, ensure_ascii=False))


class SiteUser(HttpUser):
    abstract = True

    def csrf(self, text=""):
        """The CSRF token: the cookie, else the one in the page."""
        token = self.client.cookies.get("csrftoken")
        if token:
            return token
        found = CSRF_INPUT.search(text or "")
        return found.group(1) if found else ""

    def page(self, path, name, *, ok=(200,), must_contain=None):
        """GET a page without following redirects: a redirect (to the sign-in page, say)
        is a failure, not a success with the wrong page."""
        with self.client.get(path, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code not in ok:
                response.failure(f"HTTP {response.status_code}")
                return None
            if must_contain and must_contain not in response.text:
                response.failure(f"the page lacks {must_contain!r}")
                return None
            response.success()
            return response

    def sign_in(self, email, password, *, totp_key=None, next_url=""):
        login = self.page("/accounts/login/", "login page", must_contain="csrfmiddlewaretoken")
        if login is None:
            return False
        with self.client.post("/accounts/login/", name="sign-in", allow_redirects=False,
                              catch_response=True,
                              data={"email": email, "password": password, "next": next_url,
                                    "csrfmiddlewaretoken": self.csrf(login.text)},
                              headers={"Referer": self.host + "/accounts/login/"}) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code} (no redirect: refused)")
                return False
            location = response.headers.get("Location", "")
            response.success()
        if totp_key is None:
            return True
        step = self.page(location, "second factor page", must_contain="csrfmiddlewaretoken")
        if step is None:
            return False
        with self.client.post(location, name="second factor", allow_redirects=False,
                              catch_response=True,
                              data={"code": totp(totp_key),
                                    "csrfmiddlewaretoken": self.csrf(step.text)}) as response:
            if response.status_code != 302 or "otp" in response.headers.get("Location", ""):
                response.failure(f"HTTP {response.status_code}: code refused")
                return False
            response.success()
        return True


class Coordinator(SiteUser):
    weight = 9
    wait_time = between(3, 10)

    def on_start(self):
        free = data()["free_coordinators"]
        if not free:
            raise StopUser
        RUN["users"]["coordinator"] += 1
        self.account = free.pop(0)
        self.application = self.account["application"]
        self.answers = [dict(answer) for answer in self.account["answers"]]
        self.categories = []
        for answer in self.answers:
            if answer["category"] not in self.categories:
                self.categories.append(answer["category"])
        self.revisions = {}     # answer pk -> revision the page or the last save showed
        self.category = self.categories[0]
        self.saves = 0
        self.submitted = False
        self.base = f"/portal/applications/{self.application}"
        if not self.sign_in(self.account["email"], data()["password"],
                            next_url=f"{self.base}/assessment/"):
            raise StopUser
        self.open_category(None)
        self.wait()

    # -- what is left to do --------------------------------------------------------------

    @staticmethod
    def needs_work(answer):
        if not answer["answered"]:
            return True
        return answer["evidence"] and not answer.get("na_chosen") and not answer["has_evidence"]

    def work_in(self, category):
        return [a for a in self.answers if a["category"] == category and self.needs_work(a)]

    # -- the steps -----------------------------------------------------------------------

    @task
    def step(self):
        if self.submitted:
            self.page(f"{self.base}/", "application page")
            time.sleep(random.uniform(20, 40))  # gevent's sleep under locust
            return
        roll = random.random()
        if roll < 0.08 and len(self.categories) > 1:
            self.open_category(random.choice([c for c in self.categories if c != self.category]))
            return
        pending = self.work_in(self.category)
        answered = [a for a in self.answers
                    if a["category"] == self.category and a["answered"]
                    and a["pk"] in self.revisions]
        if roll < 0.22 and answered:
            self.autosave(random.choice(answered))  # typing more into an answered item
            return
        if pending:
            answer = pending[0]
            if not answer["answered"]:
                self.autosave(answer)
            else:
                self.upload(answer)
            return
        for category in self.categories:
            if self.work_in(category):
                self.open_category(category)
                return
        self.submit()

    def open_category(self, category):
        path = f"{self.base}/assessment/" + (f"?category={category}" if category else "")
        response = self.page(path, "assessment page", must_contain="answer-revision-")
        if response is None:
            return
        self.category = category or self.categories[0]
        for match in REVISION_INPUT.finditer(response.text):
            value = VALUE_ATTR.search(match.group(0))
            if value:
                self.revisions[int(match.group(1))] = int(value.group(1))

    def autosave(self, answer):
        pk = answer["pk"]
        if pk not in self.revisions:  # not on the page last loaded: load its category
            self.open_category(answer["category"])
            if pk not in self.revisions:
                return
        revision = self.revisions[pk]
        not_applicable = answer["na"] and random.random() < 0.1
        score = None if not_applicable else random.choice(answer["scores"])
        self.saves += 1
        explanation = (f"{random.choice(EXPLANATIONS)} ({answer['ref']} ครั้งที่ {self.saves} "
                       f"{secrets.token_hex(3)})")
        UNACKED_SAVES[pk] += 1
        with self.client.post(
                f"/portal/answers/{pk}/save/", name="autosave", catch_response=True,
                allow_redirects=False,
                data={"score": "na" if not_applicable else str(score),
                      "explanation": explanation, "revision": str(revision)},
                headers={"HX-Request": "true", "X-CSRFToken": self.csrf(),
                         "Referer": f"{self.host}{self.base}/assessment/"}) as response:
            if response.status_code != 200:
                self.revisions.pop(pk, None)  # reload the page before saving it again
                response.failure(f"HTTP {response.status_code}")
                return
            stored = None
            for match in REVISION_INPUT.finditer(response.text):
                value = VALUE_ATTR.search(match.group(0))
                if int(match.group(1)) == pk and value:
                    stored = int(value.group(1))
            if stored != revision + 1:
                self.revisions.pop(pk, None)
                response.failure(f"revision {stored} after saving over {revision}")
                return
            response.success()
        # This save was made over the revision the page showed after any earlier save that
        # went unanswered, so it supersedes them: the stored revision must now be this one.
        UNACKED_SAVES.pop(pk, None)
        ACKED_SAVES[pk] = {"application": self.application, "revision": stored,
                           "score": score, "not_applicable": not_applicable,
                           "explanation": explanation}
        self.revisions[pk] = stored
        answer["answered"] = True
        answer["na_chosen"] = not_applicable

    def upload(self, answer):
        pk = answer["pk"]
        name = f"{answer['ref']}-{secrets.token_hex(6)}.pdf"
        content = tiny_pdf(f"GECC evidence {name} {secrets.token_hex(8)}")
        UNACKED_UPLOADS[0] += 1
        with self.client.post(
                f"/evidence/answer/{pk}/upload/", name="upload", catch_response=True,
                allow_redirects=False, data={"next": f"{self.base}/assessment/"},
                files={"file": (name, content, "application/pdf")},
                headers={"HX-Request": "true", "X-CSRFToken": self.csrf(),
                         "Referer": f"{self.host}{self.base}/assessment/"}) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            if "data-error-message" in response.text or name not in response.text:
                message = re.search(r"data-error-message>([^<]*)<", response.text)
                response.failure("refused: " + (message.group(1) if message else "no file"))
                return
            response.success()
        UNACKED_UPLOADS[0] -= 1
        UPLOADS.append({"application": self.application, "answer": pk, "name": name,
                        "sha256": sha256_hex(content), "size": len(content)})
        answer["has_evidence"] = True

    def submit(self):
        page = self.page(f"{self.base}/submit/", "submit page",
                         must_contain='data-testid="confirm-submit"')
        if page is None:
            return
        with self.client.post(f"{self.base}/submit/", name="submit", catch_response=True,
                              allow_redirects=False,
                              data={"csrfmiddlewaretoken": self.csrf(page.text)},
                              headers={"Referer": f"{self.host}{self.base}/submit/"}) \
                as response:
            if response.status_code != 302:
                errors = re.findall(r"<li>([^<]{0,200})</li>", response.text)[:2]
                response.failure(f"HTTP {response.status_code} {errors}")
                return
            response.success()
        self.submitted = True
        SUBMISSIONS[self.application] = None
        detail = self.page(f"{self.base}/", "application page")
        if detail is not None:
            found = RECEIPT.search(detail.text)
            SUBMISSIONS[self.application] = found.group(0) if found else None


class Secretariat(SiteUser):
    fixed_count = 2
    wait_time = between(5, 15)

    def on_start(self):
        free = data()["free_secretariat"]
        if not free:
            raise StopUser
        RUN["users"]["secretariat"] += 1
        account = free.pop(0)
        self.ids = list(data()["submitted_applications"])
        if not self.sign_in(account["email"], data()["password"],
                            totp_key=account["totp_key"], next_url="/applications/review/"):
            raise StopUser

    def remember(self, response):
        if response is not None:
            self.ids = sorted({*self.ids, *map(int, REVIEW_LINK.findall(response.text))})

    @task(4)
    def review_list(self):
        self.remember(self.page("/applications/review/", "desk-review list"))

    @task(2)
    def review_list_next_page(self):
        self.remember(self.page("/applications/review/?page=2", "desk-review list"))

    @task(3)
    def review_list_filtered(self):
        choice = random.choice([
            "state=submitted", "q=GEN", f"province={random.choice(data()['provinces'])}",
            "state=submitted&state=resubmitted", "q=" + random.choice(["สำนักงาน", "สาขา"])])
        self.remember(self.page(f"/applications/review/?{choice}",
                                "desk-review list (filtered)"))

    @task(3)
    def open_application(self):
        if self.ids:
            self.page(f"/applications/review/{random.choice(self.ids)}/",
                      "desk-review application")


class Visitor(SiteUser):
    weight = 1
    wait_time = between(5, 15)

    def on_start(self):
        RUN["users"]["visitor"] += 1

    @task(2)
    def home(self):
        self.page("/", "public home")

    @task(4)
    def search(self):
        public = data()["public"]
        self.page(f"/registry/?q={random.choice(public['search_terms'])}", "public search")

    @task(2)
    def centre(self):
        centres = data()["public"]["centres"]
        if centres:
            self.page(f"/registry/centre/{random.choice(centres)}/", "centre page")

    @task(2)
    def verify(self):
        numbers = data()["public"]["numbers"]
        if numbers:
            self.page(f"/verify/{random.choice(numbers)}/", "verify page")

    @task(1)
    def verify_unknown(self):
        number = f"GECC-2563-{random.randrange(900000, 999999)}"
        self.page(f"/verify/{number}/", "verify (unknown number)", ok=(404,))


class FloorProbe(SiteUser):
    fixed_count = 1
    wait_time = constant(2)

    @task
    def floor(self):
        self.page("/api/status/", "floor: status API")
        self.page("/static/gecc/favicon.ico", "floor: static file")
