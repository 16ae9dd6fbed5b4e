"""``manage.py backup`` and ``manage.py restore`` (gecc.common.backup).

The key test backs up the demo and restores it, through ``manage.py restore`` in another
process, into a new empty database and an empty media folder: on the suite's PostgreSQL
run a scratch database on the same server, on its SQLite run a new file under a new data
folder. Every table's row count and checksum and every file's SHA-256 must come back.
The other tests check the refusals (a database with tables, a non-empty media folder, a
backup that differs from its manifest, an interrupted backup) and that nothing is changed
when restore refuses.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

from gecc.accounts.models import User
from gecc.common import backup

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


# --- Helpers ---------------------------------------------------------------------------

def sha256_of_folder(root):
    """{relative path: (size, SHA-256)} of every file under ``root``, computed here and
    not by the module under test."""
    root = Path(root)
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found[path.relative_to(root).as_posix()] = (len(data), hashlib.sha256(data).hexdigest())
    return found


def manifest_of(folder):
    return json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))


def write_media(root):
    """A few files like the ones uploads leave, Thai name and an empty file included."""
    files = {"evidence/1/หลักฐาน.pdf": b"%PDF-1.4 demo\n" * 100,
             "scoring/photos/ab/abcdef.jpg": bytes(range(256)) * 40,
             "empty.txt": b""}
    for relative, data in files.items():
        path = Path(root) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


class ScratchInstallation:
    """An empty database and an empty data folder for ``manage.py`` in another process:
    a new database on the test server (PostgreSQL) or a new SQLite file (SQLite)."""

    def __init__(self, folder):
        self.vendor = connection.vendor
        self.data_dir = Path(folder) / "data"
        self.media_root = self.data_dir / "media"
        self.data_dir.mkdir(parents=True)
        self.env = {**os.environ, "DEBUG": "1", "GECC_DATA_DIR": str(self.data_dir),
                    "MEDIA_ROOT": str(self.media_root)}
        self.env.pop("AWS_STORAGE_BUCKET_NAME", None)
        if self.vendor == "postgresql":
            self.database = f"gecc_restore_{uuid.uuid4().hex[:12]}"
            self._server("CREATE DATABASE {}")
            user, password = (quote(connection.settings_dict[key] or "", safe="")
                              for key in ("USER", "PASSWORD"))
            host = connection.settings_dict["HOST"] or "localhost"
            port = connection.settings_dict["PORT"] or 5432
            self.env["DATABASE_URL"] = (f"postgres://{user}:{password}@{host}:{port}/"
                                        f"{self.database}")
        else:
            self.database = self.data_dir / "gecc.sqlite3"
            self.env.pop("DATABASE_URL", None)

    def _connect(self, dbname):
        import psycopg

        settings = connection.settings_dict
        return psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None,
                               user=settings["USER"] or None,
                               password=settings["PASSWORD"] or None, dbname=dbname,
                               autocommit=True)

    def _server(self, statement):
        from psycopg import sql

        with self._connect("postgres") as server:
            server.execute(sql.SQL(statement).format(sql.Identifier(self.database)))

    def drop(self):
        if self.vendor == "postgresql":
            self._server("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def row_counts(self):
        """{table: row count} of the scratch database, read with the driver directly."""
        if self.vendor == "postgresql":
            from psycopg import sql

            with self._connect(self.database) as db:
                tables = [row[0] for row in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
                return {table: db.execute(sql.SQL("SELECT count(*) FROM {}").format(
                    sql.Identifier(table))).fetchone()[0] for table in tables}
        if not self.database.exists():
            return {}
        with sqlite3.connect(self.database) as db:
            tables = [row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite%'")]
            return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    for table in tables}

    def manage(self, *args):
        return subprocess.run([sys.executable, str(MANAGE), *args], env=self.env,
                              capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture
def scratch(tmp_path):
    installation = ScratchInstallation(tmp_path / "scratch")
    yield installation
    installation.drop()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def small_backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """A backup of the test database as it stands (committed, outside any transaction, as
    pg_dump sees it) with a few media files; read only by the tests that use it."""
    root = tmp_path_factory.mktemp("small")
    write_media(root / "media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=root / "media"):
        call_command("backup", str(root / "backup"), stdout=StringIO())
    return root / "backup"


@pytest.fixture
def backup_copy(small_backup, tmp_path):
    """A copy of the small backup that a test may damage."""
    copy = tmp_path / "copy"
    shutil.copytree(small_backup, copy)
    return copy


# --- The demo, backed up and restored --------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_demo_restores_into_a_new_database_with_every_table_and_file_equal(
        media_root, scratch, tmp_path):
    call_command("setup_demo", stdout=StringIO())
    original_files = sha256_of_folder(media_root)
    assert original_files, "the demo stores evidence files"

    out = StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    manifest = manifest_of(tmp_path / "backup")
    assert f"Backup written to {tmp_path / 'backup'}" in out.getvalue()

    # The manifest describes the database and the files as they are.
    database = manifest["database"]
    assert database["vendor"] == connection.vendor
    with connection.cursor() as cursor:
        tables = [name for name in connection.introspection.table_names(cursor)
                  if not name.startswith("sqlite_")]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    assert {table: entry["rows"] for table, entry in database["tables"].items()} == counts
    assert counts[User._meta.db_table] == User.objects.count() > 0
    applied = MigrationRecorder(connection).applied_migrations()
    assert {app for app, _ in applied} == set(database["migrations"])
    assert all((app, name) in applied for app, name in database["migrations"].items())
    dump = tmp_path / "backup" / database["dump"]
    assert database["dump_sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
    assert {entry["path"]: (entry["size"], entry["sha256"])
            for entry in manifest["files"]["entries"]} == original_files
    assert sha256_of_folder(tmp_path / "backup" / "media") == original_files
    created = datetime.fromisoformat(manifest["created_at"])
    assert abs((datetime.now(UTC) - created).total_seconds()) < 600

    # Restore, in another process, into an empty database and an empty media folder.
    assert scratch.row_counts() == {}
    restored = scratch.manage("restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert "every table and file matches the manifest" in restored.stdout
    assert f"{len(counts)} tables, {sum(counts.values()):,} rows" in restored.stdout

    assert scratch.row_counts() == counts
    assert sha256_of_folder(scratch.media_root) == original_files
    # Every table's checksum: the restored installation's own backup says the same.
    again = scratch.manage("backup", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    restored_database = manifest_of(tmp_path / "again")["database"]
    assert restored_database["tables"] == database["tables"]
    assert restored_database["migrations"] == database["migrations"]


# --- Table checksums -------------------------------------------------------------------

@pytest.mark.django_db
def test_a_table_checksum_follows_its_rows_and_nothing_else(make_user):
    user = make_user("coordinator", full_name="สมชาย")
    before = backup.database_contents()["tables"]
    assert before[User._meta.db_table]["rows"] == User.objects.count()

    User.objects.filter(pk=user.pk).update(full_name="สมหญิง")
    changed = backup.database_contents()["tables"]
    assert backup.compare_tables(before, changed) == [
        f"table {User._meta.db_table}: same row count, different contents"]

    User.objects.filter(pk=user.pk).update(full_name="สมชาย")
    assert backup.database_contents()["tables"] == before

    make_user("coordinator")
    assert (f"table {User._meta.db_table}: {User.objects.count()} rows, the backup has "
            f"{User.objects.count() - 1}") in backup.compare_tables(
                before, backup.database_contents()["tables"])


# --- Refusals --------------------------------------------------------------------------

def test_restore_refuses_a_database_that_has_tables_and_changes_nothing(
        small_backup, media_root, django_db_blocker):
    with django_db_blocker.unblock():
        before = backup.database_contents()
        with pytest.raises(CommandError, match="already holds .* table.*empty database"):
            call_command("restore", str(small_backup), stdout=StringIO())
        assert backup.database_contents() == before
    assert not Path(media_root).exists()


def test_restore_refuses_a_media_folder_that_is_not_empty_and_changes_nothing(
        small_backup, scratch):
    kept = scratch.media_root / "kept.txt"
    kept.parent.mkdir(parents=True)
    kept.write_text("already here")

    result = scratch.manage("restore", str(small_backup))
    assert result.returncode != 0
    assert f"MEDIA_ROOT {scratch.media_root} exists and is not empty" in result.stderr
    assert scratch.row_counts() == {}
    assert sha256_of_folder(scratch.media_root) == {
        "kept.txt": (12, hashlib.sha256(b"already here").hexdigest())}


def test_backup_refuses_a_folder_that_exists(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "note").write_text("mine")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(target), stdout=StringIO())
    assert [path.name for path in target.iterdir()] == ["note"]
    assert [path.name for path in tmp_path.iterdir()] == ["taken"]


# --- A backup that differs from its manifest -------------------------------------------

def damage(folder, what):
    """Flip one byte of the dump or of one media file; return the name restore must give."""
    if what == "dump":
        name = manifest_of(folder)["database"]["dump"]
        path = folder / name
        expected = f"database dump {name}"
    else:
        name = "scoring/photos/ab/abcdef.jpg"
        path = folder / "media" / name
        expected = f"file {name}"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return expected


@pytest.mark.parametrize("what", ["dump", "file"])
def test_verify_only_names_the_damaged_dump_or_file(backup_copy, what):
    call_command("restore", str(backup_copy), "--verify-only", stdout=StringIO())
    expected = damage(backup_copy, what)
    with pytest.raises(CommandError, match="does not match its manifest") as refused:
        call_command("restore", str(backup_copy), "--verify-only", stdout=StringIO())
    assert f"{expected}: its SHA-256 differs from the manifest" in str(refused.value)


@pytest.mark.parametrize("what", ["dump", "file"])
def test_restore_refuses_a_damaged_backup_before_touching_anything(backup_copy, scratch, what):
    expected = damage(backup_copy, what)
    result = scratch.manage("restore", str(backup_copy))
    assert result.returncode != 0
    assert f"{expected}: its SHA-256 differs from the manifest" in result.stderr
    assert "nothing was restored" in result.stderr
    assert scratch.row_counts() == {}
    assert not scratch.media_root.exists()


def test_verify_only_refuses_missing_extra_and_escaping_files(backup_copy):
    (backup_copy / "media" / "empty.txt").unlink()
    (backup_copy / "media" / "added.txt").write_text("not backed up")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backup_copy), "--verify-only", stdout=StringIO())
    assert "file added.txt: in the backup but not in the manifest" in str(refused.value)
    assert "file empty.txt: missing from the backup" in str(refused.value)

    manifest = manifest_of(backup_copy)
    manifest["files"]["entries"][0]["path"] = "../outside.txt"
    (backup_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="names a file outside the backup: ../outside.txt"):
        call_command("restore", str(backup_copy), "--verify-only", stdout=StringIO())


# --- An interrupted backup -------------------------------------------------------------

class Interrupted(BaseException):
    """What a Ctrl-C or a stopped process looks like to the code: not an Exception."""


def _interrupt(*args, **kwargs):
    raise Interrupted


def test_an_interrupted_backup_leaves_no_folder(
        django_db_setup, django_db_blocker, media_root, tmp_path, monkeypatch):
    write_media(media_root)
    monkeypatch.setattr(backup, "write_manifest", _interrupt)
    with django_db_blocker.unblock(), pytest.raises(Interrupted):
        call_command("backup", str(tmp_path / "nightly" / "backup"), stdout=StringIO())
    assert list((tmp_path / "nightly").iterdir()) == []


def test_a_backup_killed_before_its_manifest_is_refused_by_restore(
        django_db_setup, django_db_blocker, media_root, tmp_path, monkeypatch, scratch):
    """A killed process cleans nothing up: what it leaves has the dump and the files but no
    manifest, under a hidden name, and restore refuses it."""
    write_media(media_root)
    monkeypatch.setattr(backup, "write_manifest", _interrupt)
    monkeypatch.setattr(backup, "_discard_partial", lambda folder: None)
    with django_db_blocker.unblock(), pytest.raises(Interrupted):
        call_command("backup", str(tmp_path / "nightly" / "backup"), stdout=StringIO())
    [leftover] = (tmp_path / "nightly").iterdir()
    assert leftover.name.startswith(".backup.partial-")
    assert (leftover / backup.DUMP_NAMES[connection.vendor]).is_file()
    assert (leftover / "media" / "empty.txt").is_file()

    with pytest.raises(CommandError, match="no manifest.json: it is not a complete backup"):
        call_command("restore", str(leftover), "--verify-only", stdout=StringIO())
    result = scratch.manage("restore", str(leftover))
    assert result.returncode != 0
    assert "no manifest.json: it is not a complete backup" in result.stderr
    assert scratch.row_counts() == {}


# --- Object storage --------------------------------------------------------------------

def test_object_storage_is_listed_with_version_ids_not_copied():
    """The bucket listing against botocore's own description of the S3 API (Stubber
    checks every request and response shape)."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("s3", region_name="ap-southeast-1", aws_access_key_id="test",
                          aws_secret_access_key="test")
    when = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
    with Stubber(client) as stub:
        stub.add_response("get_bucket_versioning", {"Status": "Enabled"},
                          {"Bucket": "gecc-files"})
        stub.add_response("list_object_versions", {
            "IsTruncated": False,
            "Versions": [
                {"Key": "evidence/2/b.pdf", "VersionId": "v2", "IsLatest": True,
                 "Size": 20, "ETag": '"e2"', "LastModified": when},
                {"Key": "evidence/1/a.pdf", "VersionId": "v1-new", "IsLatest": True,
                 "Size": 11, "ETag": '"e1"', "LastModified": when},
                {"Key": "evidence/1/a.pdf", "VersionId": "v1-old", "IsLatest": False,
                 "Size": 10, "ETag": '"e0"', "LastModified": when},
            ],
            "DeleteMarkers": [{"Key": "evidence/3/gone.pdf", "VersionId": "d3",
                               "IsLatest": True, "LastModified": when}],
        }, {"Bucket": "gecc-files", "Prefix": ""})
        # What S3Storage offers: its bucket, its prefix and a boto3 resource.
        resource = SimpleNamespace(meta=SimpleNamespace(client=client))
        storage = SimpleNamespace(bucket_name="gecc-files", location="", connection=resource)
        listing = backup.object_listing(storage)

    assert listing["versioning"] == "Enabled"
    assert [(o["key"], o["version_id"], o["size"]) for o in listing["objects"]] == [
        ("evidence/1/a.pdf", "v1-new", 11), ("evidence/2/b.pdf", "v2", 20)]
    assert listing["objects"][0]["etag"] == "e1"
    assert backup.backup_warnings({"files": listing}) == ()
    assert "Versioning of bucket gecc-files is Suspended" in backup.backup_warnings(
        {"files": {**listing, "versioning": "Suspended"}})[0]

    # Restore checks that every listed version is still in the bucket.
    with Stubber(client) as stub:
        stub.add_response("head_object", {}, {"Bucket": "gecc-files",
                                              "Key": "evidence/1/a.pdf", "VersionId": "v1-new"})
        stub.add_client_error("head_object", "404", http_status_code=404, expected_params={
            "Bucket": "gecc-files", "Key": "evidence/2/b.pdf", "VersionId": "v2"})
        assert backup.missing_object_versions(storage, listing) == [
            "object evidence/2/b.pdf version v2: not in bucket gecc-files"]
