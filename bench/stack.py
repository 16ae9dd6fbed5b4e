"""A production-style GECC Certify on this machine, for the load scenario and the restart tests.

gunicorn (``workers`` processes, DEBUG off) + PostgreSQL + Redis (cache and Celery broker) + a
Celery worker, each a child process of the caller, in a temporary folder that holds
everything the stack writes (media, e-mail files, logs). PostgreSQL and Redis are private
instances on free ports (``PrivatePostgres``, ``PrivateRedis``), so a test may restart,
kill or flush them without touching a server anyone else uses; ``Stack`` may instead be
given the URL of an existing PostgreSQL server, on which it creates (and drops) its own
database.

    with Stack(tmp, workers=3) as stack:      # migrated, served, worker listening
        stack.migrate(); stack.serve(); stack.start_worker()
        requests to stack.url …
        stack.postgres.restart(); stack.kill_worker(); stack.redis.flush()

E-mail goes to files (one per message) in ``stack.mail_dir``, so what was really sent can be
counted after a worker was killed half-way.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # noqa: BLE001 - keep trying until the deadline
            last = exc
        time.sleep(interval)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f} s ({last!r})")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _postgres_bindir() -> Path:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             check=True).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    except (OSError, subprocess.CalledProcessError):
        pass
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in ``base``) on a free port. Run as root, the
    server programs run as the ``postgres`` user, as PostgreSQL requires."""

    def __init__(self):
        # A folder of its own under the system's temporary folder (which every user may
        # traverse), owned by the user the server runs as.
        self.base = Path(tempfile.mkdtemp(prefix="gecc-postgres-"))
        self.data = self.base / "pgdata"
        self.socket_dir = self.base / "pgsocket"
        self.port = free_port()
        self.bindir = _postgres_bindir()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args, check=True):
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True)
        if check and done.returncode:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr or done.stdout}")
        return done

    def init(self):
        self.socket_dir.mkdir(exist_ok=True)
        if self.as_user:
            shutil.chown(self.base, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        return self

    def start(self):
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=200 -c fsync=on")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.base / "postgres.log"), "-w", "-t", "60", "start")
        return self

    def stop(self, mode: str = "fast"):
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                  "stop", check=False)

    def restart(self, down_seconds: float = 0.0, mode: str = "fast"):
        """Stop the server (``fast``: sessions are cut, as in a restart for an upgrade;
        ``immediate``: as in a crash, recovery from the WAL at start), stay down, start."""
        self.stop(mode)
        time.sleep(down_seconds)
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self):
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


class PrivateRedis:
    """A Redis server of our own on a free port, keeping nothing on disk."""

    def __init__(self, base: Path):
        self.base = Path(base)
        self.port = free_port()
        self.process = None

    def start(self):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.base.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.base)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), 15, "Redis")
        return self

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def flush(self):
        """FLUSHALL: every key of every database gone (sessions in the cache, queued tasks)."""
        import redis

        redis.Redis(host="127.0.0.1", port=self.port).flushall()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Stack:
    """gunicorn + Celery worker over PostgreSQL and Redis, as docs/deploy.md describes."""

    def __init__(self, base: Path, *, workers: int = 3, postgres_url: str | None = None,
                 threads: int = 1, worker_concurrency: int = 1,
                 extra_env: dict | None = None):
        self.base = Path(base)
        # Added to the environment of every process of the stack (``env()``): settings a
        # scenario changes, such as PUBLIC_RATE_PER_MINUTE for a load generator that is one
        # client address.
        self.extra_env = {key: str(value) for key, value in (extra_env or {}).items()}
        self.base.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self.threads = threads
        self.worker_concurrency = worker_concurrency
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = self.base / "data"
        self.mail_dir = self.base / "mail"
        self.log_dir = self.base / "logs"
        for folder in (self.data_dir, self.mail_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.redis = PrivateRedis(self.base / "redis")
        self._external_postgres = postgres_url
        self.postgres = None if postgres_url else PrivatePostgres()
        self.database_url = None
        self._drop_database = None
        self.server = None
        self.worker = None

    # -- services ------------------------------------------------------------------------

    def start_services(self):
        self.redis.start()
        if self.postgres is not None:
            self.postgres.init().start()
            self.database_url = self.postgres.create_database("gecc")
        else:
            self.database_url, self._drop_database = _scratch_database(self._external_postgres)
        return self

    def env(self, **extra) -> dict:
        env = {**os.environ,
               "PYTHONPATH": str(ROOT / "src"),
               "DJANGO_SETTINGS_MODULE": "gecc.settings",
               "SECRET_KEY": getattr(self, "_secret", None) or self._new_secret(),
               "ALLOWED_HOSTS": "127.0.0.1,localhost",
               "DATABASE_URL": self.database_url,
               "REDIS_URL": self.redis.url(1),
               "CELERY_BROKER_URL": self.redis.url(0),
               "CELERY_RESULT_BACKEND": self.redis.url(0),
               "GECC_DATA_DIR": str(self.data_dir),
               "SITE_URL": self.url,
               "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
               "EMAIL_FILE_PATH": str(self.mail_dir),
               "LOG_LEVEL": "WARNING"}
        env.pop("DEBUG", None)
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        env.pop("GECC_FAST_PASSWORD_HASHER", None)
        env.update(self.extra_env)
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def _new_secret(self):
        self._secret = secrets.token_urlsafe(64)
        return self._secret

    def manage(self, *args, check=True, **env):
        return subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=self.env(**env),
                              cwd=ROOT, capture_output=True, text=True, check=check)

    def migrate(self):
        self.manage("migrate", "--noinput", "-v", "0")
        return self

    def python(self, code: str, **env) -> str:
        """Run ``code`` in a Django process of the stack (its database and settings)."""
        prelude = "import django; django.setup()\n"
        done = subprocess.run([PYTHON, "-c", prelude + code], env=self.env(**env), cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"stack python failed:\n{done.stderr[-3000:]}")
        return done.stdout

    # -- web -----------------------------------------------------------------------------

    def serve(self):
        # The child gets its own copy of the log's descriptor; ours is closed at once (a
        # handle left open warns, and the test suite turns warnings into errors).
        with open(self.log_dir / "gunicorn.log", "ab") as log:
            self.server = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "gecc.wsgi", "--workers", str(self.workers),
                 "--threads", str(self.threads), "--bind", f"127.0.0.1:{self.port}",
                 "--timeout", "60", "--graceful-timeout", "10"],
                env=self.env(), cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
        wait_for(self._answers, 60, "gunicorn")
        return self

    def _answers(self):
        if self.server.poll() is not None:
            raise RuntimeError("gunicorn exited; see its log")
        with urllib.request.urlopen(self.url + "/accounts/login/", timeout=5) as response:
            return response.status == 200

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the master)."""
        return _children(self.server.pid) if self.server else []

    # -- Celery --------------------------------------------------------------------------

    def start_worker(self, **env):
        # The log is appended to by every worker the stack starts: only what this one writes
        # after this point tells whether it is ready (an earlier worker's "ready." does not).
        self._worker_log_start = self._worker_log_size()
        with open(self.log_dir / "celery.log", "ab") as log:
            self.worker = subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "gecc", "worker", "-l", "info",
                 "-c", str(self.worker_concurrency), "--without-gossip", "--without-mingle",
                 "-n", f"stack-{self.port}@%h"],
                env=self.env(**env), cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
        wait_for(self._worker_ready, 60, "the Celery worker", interval=0.3)
        return self

    def _worker_ready(self):
        if self.worker.poll() is not None:
            raise RuntimeError("the Celery worker exited; see its log")
        with open(self.log_dir / "celery.log", "rb") as log:
            log.seek(self._worker_log_start)
            return b"ready." in log.read()

    def _worker_log_size(self):
        path = self.log_dir / "celery.log"
        return path.stat().st_size if path.exists() else 0

    def kill_worker(self):
        """SIGKILL to the worker and its pool: as a machine or OOM kill would do."""
        if self.worker and self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(10)
        self.worker = None

    # -- the end -------------------------------------------------------------------------

    def stop(self):
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(15)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    # A group already gone must not stop the teardown (PostgreSQL and Redis
                    # would be left running); one that ignores SIGTERM is killed.
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
        self.server = self.worker = None
        if self.postgres is not None:
            self.postgres.remove()
        elif self._drop_database:
            self._drop_database()
        self.redis.stop()

    def __enter__(self):
        return self.start_services()

    def __exit__(self, *exc):
        self.stop()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pids) -> float:
    """User + system CPU time of ``pids`` so far (from /proc, in seconds)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _scratch_database(url: str):
    import psycopg

    parsed = urlparse(url)
    name = f"gecc_stack_{secrets.token_hex(4)}"
    maintenance = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               f"WHERE datname = '{name}'")
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return urlunparse(parsed._replace(path="/" + name)), drop
