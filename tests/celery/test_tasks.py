"""Background tasks: eager in the embedded default, and through a real worker on Redis."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.core import mail

from gecc.celery import app as celery_app
from gecc.common.tasks import ping, send_email_task

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/15"  # a database of its own, for tests
WORKER_TIMEOUT = 30


def test_celery_default_config_is_eager():
    assert celery_app.conf.task_always_eager is True
    assert celery_app.conf.task_eager_propagates is True


def test_ping_eager_returns_pong():
    assert ping.delay().get(timeout=1) == "pong"


def test_send_email_task_eager_sends_through_django_mail(settings):
    result = send_email_task.delay(
        "ผลการตรวจประเมิน", "ข้อความ", ["unit@example.org", "chair@example.org"],
        html_body="<p>ข้อความ</p>",
    )
    assert result.get(timeout=1) == 1
    [message] = mail.outbox
    assert message.subject == "ผลการตรวจประเมิน"
    assert message.body == "ข้อความ"
    assert message.to == ["unit@example.org", "chair@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.alternatives == [("<p>ข้อความ</p>", "text/html")]


def test_send_email_task_accepts_one_address_and_reply_to():
    send_email_task.delay("Subject", "Body", "unit@example.org",
                          from_email="secretariat@example.org", reply_to="help@example.org")
    [message] = mail.outbox
    assert message.to == ["unit@example.org"]
    assert message.from_email == "secretariat@example.org"
    assert message.reply_to == ["help@example.org"]
    assert message.alternatives == []


def test_send_email_task_without_recipients_sends_nothing():
    assert send_email_task.delay("Subject", "Body", []).get(timeout=1) == 0
    assert mail.outbox == []


def test_tasks_are_registered_by_name():
    celery_app.loader.import_default_modules()
    assert {"gecc.common.ping", "gecc.common.send_email"} <= set(celery_app.tasks)


def _redis_answers():
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _forget_connections(app):
    """Drop the cached broker pools and result backend, so new settings take effect.

    Celery caches them on first use and offers no public way to reconfigure a live app;
    these are the same attributes Celery itself resets after a fork.
    """
    kombu.pools.reset()  # closes every broker connection this process opened
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    backend = app._backend_cache or getattr(app._local, "backend", None)
    if backend is not None and hasattr(backend, "client"):
        backend.client.connection_pool.disconnect()
    app._backend_cache = None
    app._local = threading.local()


@contextmanager
def _configured(app, **options):
    previous = {key: app.conf[key] for key in options}
    _forget_connections(app)
    app.conf.update(**options)
    try:
        yield
    finally:
        _forget_connections(app)
        app.conf.update(**previous)


@contextmanager
def _worker(queue, log_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(PROJECT_ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        "DJANGO_SETTINGS_MODULE": "gecc.settings",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # A worker with DEBUG off refuses the development key, as production would.
        "SECRET_KEY": "worker-test-" + secrets.token_urlsafe(48),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "gecc", "worker",
        "--pool=solo", "--concurrency=1", "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-Q", queue, "-n", f"{queue}@%h",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def redis_queue():
    """A queue of its own, so no other worker can answer in this one's place; removed after."""
    if not _redis_answers():
        pytest.skip(f"Redis not reachable on {REDIS_HOST}:{REDIS_PORT}: "
                    "start redis-server to run the real-worker test")
    queue = f"gecc-test-{uuid.uuid4().hex[:12]}"
    yield queue
    with redis.Redis.from_url(REDIS_URL) as client:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)


@pytest.mark.redis
def test_ping_runs_on_a_real_worker(tmp_path, redis_queue):
    queue = redis_queue
    log_path = tmp_path / "worker.log"
    with _worker(queue, log_path) as worker, _configured(
        celery_app, broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False,
    ):
        result = ping.apply_async(queue=queue)
        deadline = time.monotonic() + WORKER_TIMEOUT
        while not result.ready():
            if worker.poll() is not None:
                pytest.fail(f"the worker stopped (exit {worker.returncode}):\n"
                            + log_path.read_text(errors="replace"))
            if time.monotonic() > deadline:
                pytest.fail(f"no answer from the worker within {WORKER_TIMEOUT} s:\n"
                            + log_path.read_text(errors="replace"))
            time.sleep(0.2)
        assert result.get(timeout=1) == "pong"
        result.forget()
    assert worker.returncode is not None  # the worker is gone
    assert celery_app.conf.task_always_eager is True
    assert ping.delay().get(timeout=1) == "pong"
