import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gecc.registry.models import Organization, ServiceUnit
from tests.registry.factories import OrganizationFactory
from tests.registry.helpers import org_csv, unit_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_import_organizations_command_succeeds(tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_bytes(org_csv([{"organization_code": "MOF", "name_th": "กระทรวงการคลัง"}]))
    call_command("import_organizations", str(path))
    assert "1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert Organization.objects.filter(code="MOF").exists()


def test_import_units_command_fails_with_row_errors_and_exit_code(tmp_path, capsys):
    OrganizationFactory(code="BAAC")
    path = tmp_path / "units.xlsx"
    path.write_bytes(xlsx_bytes([unit_row(), unit_row(unit_code="B", postcode="51000")]))
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_units", str(path), "--error-report", str(report))
    assert "แถวที่ 3, postcode: รหัสไปรษณีย์ 51000 ไม่ใช่ของตำบลบ้านโฮ่ง" in capsys.readouterr().err
    assert ServiceUnit.objects.count() == 0
    assert report.read_bytes().decode("utf-8-sig").splitlines()[1].startswith(
        '"3","postcode",')


def test_import_units_command_exit_status_is_non_zero(tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(b"\x00\x01")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3"}
    process = subprocess.run([sys.executable, str(root / "manage.py"), "import_units", str(path)],
                             capture_output=True, text=True, cwd=root, check=False, env=env)
    assert process.returncode == 1
    assert "ไม่รู้จักชนิดของแฟ้ม" in process.stderr


def test_import_units_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_units", str(tmp_path / "nope.xlsx"))


def test_export_registry_command_writes_template(tmp_path):
    path = tmp_path / "template.csv"
    call_command("export_registry", "units", str(path), "--template")
    assert path.read_bytes().decode("utf-8-sig").startswith('"unit_code","name_th",')
