"""The project's own setup: the system-package check, the lock files and the README.

A fresh machine must be able to run ``make test`` (the system packages are installed or
the exact command is printed before the suite starts), installs take exactly the locked
versions, and the README names only commands and files that exist.
"""

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-packages"


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec):
    return _canonical(re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0])


# --- scripts/system-packages -------------------------------------------------------------


def _bin_dir_with(tmp_path, *names):
    """A PATH of only the named programs (linked from this machine), so the script sees a
    machine that lacks everything else, apt-get and sudo included."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("bash", "env", "id", "grep", *names):
        found = shutil.which(name)
        if found:
            (bin_dir / name).symlink_to(found)
    return bin_dir


def _run_script(tmp_path, bin_dir, *args, chromium=None):
    env = {"PATH": str(bin_dir), "CHROMIUM_PATH": str(chromium or tmp_path / "no-chromium")}
    return subprocess.run(
        [str(bin_dir / "bash"), str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_system_packages_prints_the_exact_command_when_it_cannot_install(tmp_path):
    result = _run_script(tmp_path, _bin_dir_with(tmp_path))

    assert result.returncode == 1
    assert "chromium poppler-utils fonts-thai-tlwg gettext" in result.stderr
    assert "apt-get install -y chromium poppler-utils fonts-thai-tlwg gettext" in result.stderr


def test_system_packages_check_only_never_installs(tmp_path):
    # apt-get is on the PATH, but --check must not call it: a fake apt-get records a call.
    bin_dir = _bin_dir_with(tmp_path)
    marker = tmp_path / "apt-get-called"
    fake = bin_dir / "apt-get"
    fake.write_text(f"#!{bin_dir / 'bash'}\necho called > {marker}\n")
    fake.chmod(0o755)

    result = _run_script(tmp_path, bin_dir, "--check")

    assert result.returncode == 1
    assert not marker.exists()


def test_system_packages_names_only_what_is_missing(tmp_path):
    bin_dir = _bin_dir_with(tmp_path)
    for program in ("pdftoppm", "msgfmt"):
        stub = bin_dir / program
        stub.write_text(f"#!{bin_dir / 'bash'}\nexit 0\n")
        stub.chmod(0o755)
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)

    result = _run_script(tmp_path, bin_dir, "--check", chromium=chromium)

    assert result.returncode == 1
    assert "Missing system packages for the tests: fonts-thai-tlwg" in result.stderr
    assert "chromium" not in result.stderr.split("\n")[0]


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs the packages")
def test_system_packages_passes_on_a_machine_that_has_them():
    result = subprocess.run([str(SCRIPT), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "all present" in result.stdout


def test_make_test_and_ci_both_run_the_system_package_check():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: system-packages lint$", makefile, re.M)
    assert "@scripts/system-packages" in makefile
    assert "scripts/system-packages" in (ROOT / ".ci" / "run").read_text()


# --- lock files ------------------------------------------------------------------------


def _locked():
    """{name: (version, hash count)} from requirements.lock."""
    text = (ROOT / "requirements.lock").read_text()
    locked = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", block)
        if match:
            locked[_canonical(match[1])] = (match[2], block.count("--hash=sha256:"))
    return locked


def test_every_python_dependency_is_locked_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    locked = _locked()

    missing = [spec for spec in wanted if _requirement_name(spec) not in locked]
    assert missing == []
    unhashed = [name for name, (_version, hashes) in locked.items() if hashes == 0]
    assert unhashed == []
    assert len(locked) > len(wanted)  # their own dependencies are pinned too


def test_installs_use_the_lock_files():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in makefile
    assert "npm ci" in makefile
    assert "npm install --no-audit" not in makefile.split("lock:")[0]


def test_package_lock_matches_package_json():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())

    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    for name in package["dependencies"]:
        entry = lock["packages"][f"node_modules/{name}"]
        assert entry["version"]
        assert entry["integrity"].startswith("sha512-")


# --- README ----------------------------------------------------------------------------


def test_readme_names_only_make_targets_that_exist():
    readme = (ROOT / "README.md").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M))
    named = set(re.findall(r"`make ([a-z-]+)", readme))

    assert named
    assert named - targets == set()


def test_readme_names_only_files_and_commands_that_exist():
    readme = (ROOT / "README.md").read_text()
    for link in re.findall(r"\]\(((?:docs/|CHANGELOG)[^)#]+)\)", readme):
        assert (ROOT / link).exists(), link
    for path in re.findall(r"`((?:scripts|\.ci|bench)/[^`\s]+)`", readme):
        assert (ROOT / path).exists(), path
    commands = set(get_commands())
    for command in re.findall(r"manage\.py ([a-z_]+)", readme):
        assert command in commands, command


def test_readme_lists_the_unbuilt_capabilities_as_planned():
    readme = (ROOT / "README.md").read_text()
    intro, _, rest = readme.partition("## ")
    planned = rest.split("## Planned", 1)
    assert len(planned) == 2, "the README has a 'Planned' section"
    apps = {p.name for p in (ROOT / "src" / "gecc").iterdir() if p.is_dir()}
    # Each capability is promised in the opening paragraph only once its app exists.
    for app, words in {
        "certificates": "certificates",
        "committees": "sub-committees",
        "decisions": "steering-committee decisions",
    }.items():
        if app not in apps:
            assert words not in intro.lower()
            assert words in planned[1].lower()
