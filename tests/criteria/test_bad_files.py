"""Every bad criteria file is refused the same way on every way in: the upload form,
``manage.py load_criteria`` and ``manage.py evaluate`` give the same reason (from
``gecc.criteria.interfaces.files``), the commands exit with status 1 and no traceback, and
nothing is stored."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.html import escape

from gecc.criteria.domain.parse import CriteriaError, parse_edition
from gecc.criteria.interfaces.excel import write_workbook
from gecc.criteria.interfaces.files import read_criteria_bytes
from gecc.criteria.interfaces.locations import describe_issues
from gecc.criteria.models import Edition, EditionVersion
from tests.criteria.factories import small_document
from tests.evidence import samples

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def yaml_text():
    return yaml.safe_dump(small_document(), allow_unicode=True, sort_keys=False)


def workbook_bytes():
    return write_workbook(parse_edition(small_document()))


def cut_in_a_character(data: bytes) -> bytes:
    """``data`` cut just after the first byte of its last multi-byte character."""
    start = max(index for index, byte in enumerate(data) if byte >= 0xC0)
    return data[:start + 1]


def corrupted(workbook: bytes, member="xl/worksheets/sheet5.xml") -> bytes:
    """``workbook`` with twenty bytes of ``member``'s compressed data zeroed."""
    import zipfile

    info = zipfile.ZipFile(io.BytesIO(workbook)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename) + 10
    return workbook[:start] + b"\x00" * 20 + workbook[start + 20:]


def cut_at_a_line(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:len(lines) // 2])


# (name, file name, bytes, the code of the refusal; None: the validation's own issues)
BAD_FILES = [
    ("windows-874", "criteria.yaml", lambda: yaml_text().encode("cp874"), "encoding"),
    ("latin-1", "criteria.yaml",
     lambda: b"edition:\n  name_en: Caf\xe9\n", "encoding"),
    ("empty", "criteria.yaml", lambda: b"", "empty"),
    ("blank", "criteria.yml", lambda: b"  \n\n\t\n", "empty"),
    ("comments only", "criteria.yaml", lambda: b"# nothing yet\n", "empty"),
    ("binary", "criteria.yaml", samples.png_bytes, "binary"),
    ("cut in a character", "criteria.yaml",
     lambda: cut_in_a_character(yaml_text().encode()), "truncated"),
    ("cut at a line", "criteria.yaml", lambda: cut_at_a_line(yaml_text().encode()), None),
    ("malformed yaml", "criteria.yaml", lambda: b"edition: [unclosed\n", "yaml"),
    ("empty workbook", "criteria.xlsx", lambda: b"", "empty"),
    ("picture as workbook", "criteria.xlsx", samples.png_bytes, "not_workbook"),
    ("yaml as workbook", "criteria.xlsx", lambda: yaml_text().encode(), "not_workbook"),
    ("cut workbook", "criteria.xlsx", lambda: workbook_bytes()[:2000], "damaged_workbook"),
    ("corrupted workbook", "criteria.xlsx", lambda: corrupted(workbook_bytes()), "bad_workbook"),
    ("wrong type", "criteria.csv", lambda: b"ref,weight\nP1.1,1\n", "file_type"),
]
IDS = [case[0] for case in BAD_FILES]


@pytest.fixture(params=BAD_FILES, ids=IDS)
def bad_file(request, tmp_path):
    name, filename, make, code = request.param
    data = make()
    path = tmp_path / filename
    path.write_bytes(data)
    with translation.override("th"):
        try:
            read_criteria_bytes(data, filename)
            parse_edition(read_criteria_bytes(data, filename))
        except CriteriaError as exc:
            first = describe_issues(exc.issues[:1])[0]
        else:  # pragma: no cover - every case here is bad
            pytest.fail(f"{name} was accepted")
    if code is not None:
        assert first.code == code
    return path, data, first


def nothing_stored():
    return not Edition.objects.exists() and not EditionVersion.objects.exists()


def scores(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("assessor,item,score\na,P1.1,2\n", encoding="utf-8")
    return path


def test_the_upload_form_refuses_it(bad_file, client, login_as):
    path, data, first = bad_file
    login_as("secretariat")
    response = client.post("/staff/criteria/upload/",
                           {"file": SimpleUploadedFile(path.name, data)})
    assert response.status_code == 200
    issues = response.context["issues"]
    assert (issues[0].path, issues[0].code) == (first.path, first.code)
    assert escape(first.message) in response.content.decode()
    assert nothing_stored()


def test_load_criteria_refuses_it(bad_file):
    path, _data, first = bad_file
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_criteria", str(path), stderr=err)
    assert "nothing was loaded" in str(caught.value)
    assert err.getvalue().startswith(f"{first.path}: {first.message}")
    assert nothing_stored()


def test_evaluate_refuses_it(bad_file, tmp_path):
    path, _data, first = bad_file
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("evaluate", "--criteria", str(path), "--scores", str(scores(tmp_path)),
                     stderr=err)
    assert "nothing was scored" in str(caught.value)
    assert err.getvalue().startswith(f"{first.path}: {first.message}")


@pytest.mark.parametrize("command", ["load_criteria", "evaluate"])
def test_a_windows_874_file_ends_the_command_with_a_message_not_a_traceback(tmp_path, command):
    """The reported case, run as an officer runs it: status 1, the reason, no traceback."""
    path = tmp_path / "เกณฑ์.yaml"
    path.write_bytes(yaml_text().encode("cp874"))
    arguments = ([str(path)] if command == "load_criteria"
                 else ["--criteria", str(path), "--scores", str(scores(tmp_path))])
    database = tmp_path / "db.sqlite3"
    result = subprocess.run(
        [sys.executable, "manage.py", command, *arguments], cwd=ROOT, capture_output=True,
        text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{database}",
             "GECC_DATA_DIR": str(tmp_path), "DEBUG": "1"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Windows-874" in result.stderr
    assert "UTF-8" in result.stderr
