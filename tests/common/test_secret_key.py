"""With DEBUG off, a process that serves the site refuses to start on a missing, weak or
development SECRET_KEY. The settings are imported in a fresh interpreter, as gunicorn would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "".join(chr(ord("a") + (i * 7) % 26) for i in range(60))


def start(env_changes, code="import gecc.wsgi"):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update({"PYTHONPATH": str(ROOT / "src"), "DJANGO_SETTINGS_MODULE": "gecc.settings"})
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("key", [None, "", "short-key",
                                 "django-insecure-development-key-" + "x" * 40,
                                 "x" * 60])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    changes = {"DEBUG": "0"}
    if key is not None:
        changes["SECRET_KEY"] = key
    process = start(changes)
    assert process.returncode != 0
    assert "ImproperlyConfigured" in process.stderr
    assert "SECRET_KEY is missing or weak while DEBUG is off" in process.stderr


def test_production_starts_with_a_real_secret_key():
    process = start({"DEBUG": "0", "SECRET_KEY": STRONG_KEY})
    assert process.returncode == 0, process.stderr


def test_development_with_debug_on_needs_no_key():
    process = start({"DEBUG": "1"})
    assert process.returncode == 0, process.stderr


def test_one_off_management_commands_still_run_with_the_development_key():
    # `make demo` runs migrate and setup_demo, `make lint` runs check, without DEBUG=1.
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    process = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=180)
    assert process.returncode == 0, process.stderr


def test_runserver_with_debug_off_refuses_the_development_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    process = subprocess.run([sys.executable, "manage.py", "runserver", "--noreload",
                              "127.0.0.1:0"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert process.returncode != 0
    assert "SECRET_KEY is missing or weak" in process.stderr
