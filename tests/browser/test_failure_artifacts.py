"""A failing browser test leaves a screenshot and the page HTML behind, and says where."""

import os
import subprocess
import sys
import textwrap

from tests.browser.conftest import PROJECT_ROOT, artifact_stem

PROBE = '''
def test_deliberately_failing(browser_page_factory):
    page = browser_page_factory(viewport={"width": 400, "height": 300})
    page.set_content("<h1>ตั้งใจให้ล้มเหลว</h1>")
    assert page.inner_text("h1") == "something else"


def test_passing(browser_page_factory):
    page = browser_page_factory()
    page.set_content("<h1>ผ่าน</h1>")
    assert page.inner_text("h1") == "ผ่าน"
'''


def test_artifact_stem_is_a_safe_file_name():
    assert artifact_stem("test_menu[phone-390x844]") == "test_menu_phone-390x844_"
    assert artifact_stem("test_ok") == "test_ok"


def test_failed_browser_test_saves_screenshot_and_html(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text(textwrap.dedent(PROBE), encoding="utf-8")
    artifacts = tmp_path / "artifacts"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(probe), "-p", "tests.browser.conftest",
         "-c", str(PROJECT_ROOT / "pyproject.toml"), "--rootdir", str(PROJECT_ROOT),
         "-q", "-p", "no:cacheprovider"],
        cwd=PROJECT_ROOT, env={**os.environ, "GECC_TEST_ARTIFACTS_DIR": str(artifacts)},
        capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 failed, 1 passed" in output

    png = artifacts / "test_deliberately_failing.png"
    html = artifacts / "test_deliberately_failing.html"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "ตั้งใจให้ล้มเหลว" in html.read_text(encoding="utf-8")
    assert f"screenshot: {png}" in output
    assert f"page HTML: {html}" in output
    assert sorted(p.name for p in artifacts.iterdir()) == [html.name, png.name]
