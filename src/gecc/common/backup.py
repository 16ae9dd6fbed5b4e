"""Backups and restores of the whole installation: ``manage.py backup`` and ``restore``.

A backup is one folder::

    database.dump        pg_dump -Fc (PostgreSQL), or database.sqlite3 (SQLite)
    media/               the files of MEDIA_ROOT (local storage only)
    manifest.json        written last: what the folder holds and how to check it

The manifest names the database vendor, the latest applied migration of every app, every
table with its row count and a SHA-256 of its rows, every file with its size and SHA-256
(or, with object storage, every object with its version id), and the dump's own SHA-256.
The row checksums are computed from the same snapshot the dump is taken from, so a
database restored from the dump must give exactly the same ones: that is how ``restore``
proves it restored everything, not only that the dump program exited with 0.

A backup is built in a hidden folder next to its target and renamed at the end, with the
manifest written last: an interrupted backup leaves no folder under the target's name, and
a leftover partial folder has no manifest, which ``restore`` refuses.

``restore`` only ever writes into an empty database and an empty (or missing) MEDIA_ROOT:
it checks the backup and both targets before it changes anything, so a mistyped
``DATABASE_URL`` can never overwrite a live installation.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction

FORMAT = "gecc-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MEDIA_FOLDER = "media"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Read and hash files in pieces of this size: evidence files reach tens of megabytes.
CHUNK_BYTES = 1024 * 1024
# Rows fetched per round trip while hashing a table (a server-side cursor on PostgreSQL,
# so a table of millions of rows never sits in memory).
ROWS_PER_FETCH = 5000
# How many differences an error message lists before "and N more".
DIFFERENCES_SHOWN = 10
# PostgreSQL writes values as text according to these settings; they are fixed while the
# checksums are computed so that a server configured differently gives the same text.
PG_CANONICAL_OUTPUT = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL bytea_output = 'hex'",
    "SET LOCAL extra_float_digits = 1",
)
# The connection settings that libpq takes from the environment, so that nothing secret
# appears on a command line (visible to every user of the machine in ``ps``).
PG_ENVIRONMENT = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER",
                  "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
PG_OPTION_ENVIRONMENT = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
                         "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
                         "connect_timeout": "PGCONNECT_TIMEOUT"}


class BackupError(Exception):
    """A backup could not be written, or a backup or restore was refused or failed its
    check. The message is for the operator and says what to do."""


@dataclass(frozen=True)
class Summary:
    """What a backup, a check or a restore covered, for the command's last line."""

    folder: Path
    vendor: str
    tables: int
    rows: int
    files: int
    file_bytes: int
    total_bytes: int
    seconds: float
    warnings: tuple = ()


# --- Table contents --------------------------------------------------------------------

def user_tables(cursor, vendor):
    """The application's tables, sorted: on PostgreSQL every table of the connection's
    current schema (``public``), on SQLite every table but SQLite's own (``sqlite_*``:
    ``sqlite_sequence`` and the planner statistics that ``ANALYZE`` writes)."""
    if vendor == "postgresql":
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
            "ORDER BY c.relname")
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _postgresql_rows_sql(cursor, table):
    """One text per row, ``(1,"a b",2024-01-01 00:00:00+00)``, ordered by the primary key.
    Text keys are compared byte by byte (``COLLATE "C"``): the server's language setting
    must not change the order, or a restore onto a differently configured server would
    give another checksum for the same rows."""
    cursor.execute(
        "SELECT a.attname, t.typcategory = 'S' FROM pg_catalog.pg_index i "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)", [_quote(table)])
    key = [f'_r.{_quote(column)}' + (' COLLATE "C"' if text else "")
           for column, text in cursor.fetchall()]
    order = ", ".join(key) or '1 COLLATE "C"'
    return f"SELECT ROW(_r.*)::text FROM {_quote(table)} AS _r ORDER BY {order}"


def _sqlite_rows_sql(cursor, table):
    """Every value through SQLite's ``quote()``: integers, reals, text and blobs each get
    one unambiguous spelling (``'it''s'``, ``X'00ff'``, ``NULL``) whatever the connection's
    type converters would make of them."""
    cursor.execute(f"PRAGMA table_info({_quote(table)})")
    columns = cursor.fetchall()  # (cid, name, type, notnull, default, pk position)
    values = " || ',' || ".join(f"quote({_quote(column[1])})" for column in columns)
    key = [_quote(column[1]) for column in sorted(columns, key=lambda c: c[5]) if column[5]]
    order = ", ".join(key) or ", ".join(f"quote({_quote(c[1])})" for c in columns)
    return f"SELECT {values} FROM {_quote(table)} ORDER BY {order}"


def _digest_rows(cursor, sql):
    """(row count, SHA-256 of the rows' texts, each followed by a newline)."""
    digest = hashlib.sha256()
    count = 0
    cursor.execute(sql)
    while rows := cursor.fetchmany(ROWS_PER_FETCH):
        for (text,) in rows:
            digest.update(text.encode("utf-8"))
            digest.update(b"\n")
        count += len(rows)
    return count, digest.hexdigest()


def migration_state(cursor):
    """``{app: name of its latest applied migration}``, from ``django_migrations``."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return {app: name for app, name in cursor.fetchall()}


def database_contents(connection=default_connection):
    """``{"tables": {table: {"rows", "sha256"}}, "migrations": {...}}`` of a Django
    connection's database. On PostgreSQL it runs inside the caller's transaction when
    there is one (the backup's snapshot), each table read through a server-side cursor."""
    vendor = connection.vendor
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if vendor == "postgresql":
            for statement in PG_CANONICAL_OUTPUT:
                cursor.execute(statement)
        tables = {}
        for table in user_tables(cursor, vendor):
            if vendor == "postgresql":
                sql = _postgresql_rows_sql(cursor, table)
                with connection.chunked_cursor() as rows_cursor:
                    count, checksum = _digest_rows(rows_cursor, sql)
            else:
                count, checksum = _digest_rows(cursor, _sqlite_rows_sql(cursor, table))
            tables[table] = {"rows": count, "sha256": checksum}
        return {"tables": tables, "migrations": migration_state(cursor)}


def sqlite_file_contents(path):
    """The same as :func:`database_contents` for an SQLite file outside Django (the dump),
    opened read-only so that checking a backup never writes into it."""
    source = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        cursor = source.cursor()
        tables = {}
        for table in user_tables(cursor, "sqlite"):
            count, checksum = _digest_rows(cursor, _sqlite_rows_sql(cursor, table))
            tables[table] = {"rows": count, "sha256": checksum}
        return {"tables": tables, "migrations": migration_state(cursor)}
    finally:
        source.close()


def compare_tables(expected, actual):
    """Sentences naming every table whose rows differ, is missing or is extra."""
    differences = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            differences.append(f"table {table}: missing")
        elif table not in expected:
            differences.append(f"table {table}: not in the backup")
        elif expected[table]["rows"] != actual[table]["rows"]:
            differences.append(f"table {table}: {actual[table]['rows']} rows, "
                               f"the backup has {expected[table]['rows']}")
        elif expected[table]["sha256"] != actual[table]["sha256"]:
            differences.append(f"table {table}: same row count, different contents")
    return differences


# --- Files -----------------------------------------------------------------------------

def file_digest(path):
    """(size, SHA-256) of a file, read in pieces."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def copy_file(source, destination):
    """Copy one file, hashing the bytes as they are written (the file is read once) and
    flushing them to disk, and return its (size, SHA-256). Refuses to replace a file."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with open(source, "rb") as src, open(destination, "xb") as out:
        while chunk := src.read(CHUNK_BYTES):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    shutil.copystat(source, destination)
    return size, digest.hexdigest()


def relative_files(root):
    """Every regular file under ``root`` as a POSIX path relative to it, sorted; symbolic
    links are not followed (storage never makes them)."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def folder_files(root):
    """``[{"path", "size", "sha256"}]`` of every file under ``root``."""
    entries = []
    for relative in relative_files(root):
        size, checksum = file_digest(Path(root) / relative)
        entries.append({"path": relative, "size": size, "sha256": checksum})
    return entries


def copy_folder(source_root, destination_root):
    """Copy every file of ``source_root`` and return their entries for the manifest."""
    entries = []
    for relative in relative_files(source_root):
        size, checksum = copy_file(Path(source_root) / relative,
                                   Path(destination_root) / relative)
        entries.append({"path": relative, "size": size, "sha256": checksum})
    return entries


def compare_files(expected, actual, where):
    """Sentences naming every file that is missing, extra or different in ``where``."""
    expected = {entry["path"]: entry for entry in expected}
    actual = {entry["path"]: entry for entry in actual}
    differences = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            differences.append(f"file {path}: missing from {where}")
        elif path not in expected:
            differences.append(f"file {path}: in {where} but not in the manifest")
        elif (actual[path]["size"], actual[path]["sha256"]) != (
                expected[path]["size"], expected[path]["sha256"]):
            differences.append(f"file {path}: its SHA-256 differs from the manifest (in {where})")
    return differences


def _safe_relative(path):
    """A manifest path may only name a file inside its folder: a tampered manifest must
    not make ``restore`` write outside MEDIA_ROOT."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts


# --- Object storage --------------------------------------------------------------------

def uses_object_storage():
    """True when uploaded files go to S3-compatible object storage (django-storages)."""
    return settings.STORAGES["default"]["BACKEND"].startswith("storages.backends.s3")


def object_listing(storage):
    """The bucket's current objects with their version ids and sizes.

    The objects are not copied: with versioning on, a version id names bytes that the
    bucket keeps until a lifecycle rule removes them, so the listing pins the files to the
    moment of the database dump (docs/deploy.md, "Backups")."""
    client = storage.connection.meta.client
    bucket = storage.bucket_name
    prefix = storage.location or ""
    versioning = client.get_bucket_versioning(Bucket=bucket).get("Status", "Disabled")
    objects = []
    for page in client.get_paginator("list_object_versions").paginate(
            Bucket=bucket, Prefix=prefix):
        for version in page.get("Versions", []):
            if version["IsLatest"]:
                objects.append({"key": version["Key"], "version_id": version["VersionId"],
                                "size": version["Size"], "etag": version["ETag"].strip('"'),
                                "last_modified": version["LastModified"].isoformat()})
    objects.sort(key=lambda entry: entry["key"])
    return {"storage": "object", "bucket": bucket, "prefix": prefix,
            "versioning": versioning, "objects": objects}


def missing_object_versions(storage, listing):
    """Sentences naming every listed object version the configured bucket no longer
    holds. The configured bucket, not necessarily the listed one: a replica in a second
    location keeps the version ids."""
    from botocore.exceptions import ClientError

    client = storage.connection.meta.client
    differences = []
    for entry in listing["objects"]:
        try:
            client.head_object(Bucket=storage.bucket_name, Key=entry["key"],
                               VersionId=entry["version_id"])
        except ClientError:
            differences.append(f"object {entry['key']} version {entry['version_id']}: "
                               f"not in bucket {storage.bucket_name}")
    return differences


# --- Dumps, per vendor -----------------------------------------------------------------

def _program(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH: install the PostgreSQL client "
                          "programs of the server's major version (postgresql-client).")
    return path


def postgresql_environment(settings_dict):
    """The process environment for pg_dump/pg_restore: the connection of
    ``settings.DATABASES`` as libpq variables, the password in ``PGPASSWORD``."""
    env = dict(os.environ)
    for key, variable in PG_ENVIRONMENT.items():
        env.pop(variable, None)
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for option, variable in PG_OPTION_ENVIRONMENT.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    env["PGAPPNAME"] = "gecc-backup"
    return env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{Path(command[0]).name} failed (exit {result.returncode}): "
                          f"{detail}")


def dump_postgresql(settings_dict, path, snapshot):
    """``pg_dump -Fc`` of the exported ``snapshot``: the dump sees exactly the rows the
    checksums are computed from, whatever is written meanwhile."""
    _run([_program("pg_dump"), "--format=custom", f"--snapshot={snapshot}",
          f"--file={path}"], postgresql_environment(settings_dict))


def restore_postgresql(settings_dict, path):
    """``pg_restore`` into the (empty) database in one transaction: a failure leaves the
    database as empty as it was. ``--no-owner``: the objects belong to the restoring role,
    whatever role owned them on the server the dump came from."""
    _run([_program("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
          f"--dbname={settings_dict['NAME']}", str(path)],
         postgresql_environment(settings_dict))


def dump_sqlite(connection, path):
    """A consistent copy through SQLite's backup API, in one step (so under one read
    lock), switched out of WAL mode so that reading the copy later writes nothing beside
    it."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def restore_sqlite(connection, path):
    """Copy the dump into the connection's (empty) database file through the backup API,
    which writes through SQLite's own locking and journal instead of replacing a file an
    open connection may hold."""
    connection.ensure_connection()
    source = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


# --- Manifest --------------------------------------------------------------------------

def project_version():
    try:
        return metadata.version("gecc-certify")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_manifest(folder, manifest):
    """Write ``manifest.json`` and flush it to disk: the last file of a backup."""
    path = Path(folder) / MANIFEST_NAME
    with open(path, "x", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_manifest(folder):
    """The manifest of a backup folder, refused with the reason when the folder is not a
    complete backup of this format."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder.")
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise BackupError(f"{folder} has no {MANIFEST_NAME}: it is not a complete backup "
                          "(an interrupted backup leaves none).")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} cannot be read: {error}.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a GECC Certify backup manifest.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} has format version {manifest.get('format_version')}; "
                          f"this version of GECC Certify reads version {FORMAT_VERSION}.")
    try:
        database, files = manifest["database"], manifest["files"]
        if database["vendor"] not in DUMP_NAMES or database["dump"] != DUMP_NAMES[
                database["vendor"]]:
            raise BackupError(f"{path} names an unknown database vendor or dump file.")
        for table in database["tables"].values():
            int(table["rows"]), str(table["sha256"])
        if files["storage"] == "local":
            bad = [e["path"] for e in files["entries"] if not _safe_relative(e["path"])]
            if bad:
                raise BackupError(f"{path} names a file outside the backup: {bad[0]}.")
        elif files["storage"] != "object":
            raise BackupError(f"{path} names an unknown file storage.")
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"{path} is incomplete or damaged ({error!r}).") from error
    return manifest


def _differences_message(intro, differences):
    shown = differences[:DIFFERENCES_SHOWN]
    more = len(differences) - len(shown)
    lines = [intro, *(f"  - {line}" for line in shown)]
    if more:
        lines.append(f"  … and {more} more.")
    return "\n".join(lines)


def _folder_bytes(folder):
    return sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())


def _fsync_folder(folder):
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _discard_partial(folder):
    """Remove a backup folder left unfinished by an error or an interruption."""
    shutil.rmtree(folder, ignore_errors=True)


# --- Backup ----------------------------------------------------------------------------

def _backup_database(connection, folder):
    """Write the dump into ``folder`` and return the manifest's ``database`` part."""
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    dump = Path(folder) / DUMP_NAMES[vendor]
    if vendor == "postgresql":
        if connection.in_atomic_block:
            raise BackupError("Run the backup outside a transaction: it needs its own "
                              "snapshot.")
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # The first statement of the transaction: a snapshot that stays fixed while
            # pg_dump and the checksums read it.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            dump_postgresql(connection.settings_dict, dump, snapshot)
            contents = database_contents(connection)
    else:
        dump_sqlite(connection, dump)
        # From the copy itself: the live file may change while the checksums are read.
        contents = sqlite_file_contents(dump)
    size, checksum = file_digest(dump)
    return {"vendor": vendor, "dump": dump.name, "dump_size": size, "dump_sha256": checksum,
            **contents}


def _backup_files(folder):
    """Copy MEDIA_ROOT into ``folder/media`` (or list the bucket) and return the
    manifest's ``files`` part."""
    if uses_object_storage():
        from django.core.files.storage import storages

        return object_listing(storages["default"])
    entries = copy_folder(settings.MEDIA_ROOT, Path(folder) / MEDIA_FOLDER)
    return {"storage": "local", "folder": MEDIA_FOLDER, "entries": entries}


def create_backup(target, connection=default_connection):
    """Write a complete backup folder at ``target`` (which must not exist yet) and return
    its :class:`Summary`. The database is read first and the files second, so every file
    the dumped database names is in the backup (files only ever get added meanwhile)."""
    started = time.monotonic()
    target = Path(target).absolute()
    if target.exists():
        raise BackupError(f"{target} already exists: give the backup a new folder name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        database = _backup_database(connection, partial)
        files = _backup_files(partial)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace(
                "+00:00", "Z"),
            "project_version": project_version(),
            "database": database,
            "files": files,
        }
        write_manifest(partial, manifest)
        _fsync_folder(partial)
        if target.exists():
            raise BackupError(f"{target} appeared while the backup was written.")
        os.rename(partial, target)
        _fsync_folder(target.parent)
    except BaseException:
        _discard_partial(partial)
        raise
    return _summary(target, manifest, time.monotonic() - started,
                    total_bytes=_folder_bytes(target))


def backup_warnings(manifest):
    """What makes a backup weaker than it looks: a bucket without versioning, whose
    listing names objects that a later upload or deletion can replace for good."""
    files = manifest["files"]
    if files["storage"] == "object" and files["versioning"] != "Enabled":
        return (f"Versioning of bucket {files['bucket']} is {files['versioning']}: the "
                "listing cannot bring back a file changed or deleted later. Turn "
                "versioning on (docs/deploy.md, \"Backups\").",)
    return ()


def _summary(folder, manifest, seconds, total_bytes):
    tables = manifest["database"]["tables"]
    files = manifest["files"]
    entries = files["entries"] if files["storage"] == "local" else files["objects"]
    return Summary(folder=Path(folder), vendor=manifest["database"]["vendor"],
                   tables=len(tables), rows=sum(t["rows"] for t in tables.values()),
                   files=len(entries), file_bytes=sum(e["size"] for e in entries),
                   total_bytes=total_bytes, seconds=seconds,
                   warnings=backup_warnings(manifest))


# --- Check and restore -----------------------------------------------------------------

def backup_problems(folder, manifest):
    """Sentences naming everything in the folder that does not match its manifest: the
    dump's SHA-256 and every file's presence, size and SHA-256."""
    folder = Path(folder)
    database = manifest["database"]
    problems = []
    dump = folder / database["dump"]
    if not dump.is_file():
        problems.append(f"database dump {database['dump']}: missing")
    elif file_digest(dump) != (database["dump_size"], database["dump_sha256"]):
        problems.append(f"database dump {database['dump']}: its SHA-256 differs from the "
                        "manifest")
    files = manifest["files"]
    if files["storage"] == "local":
        problems += compare_files(files["entries"], folder_files(folder / files["folder"]),
                                  "the backup")
    return problems


def verify_backup(folder):
    """Check a backup folder against its manifest without touching anything else; return
    its manifest or raise :class:`BackupError` naming the first problems."""
    manifest = read_manifest(folder)
    problems = backup_problems(folder, manifest)
    if problems:
        raise BackupError(_differences_message(
            f"The backup {folder} does not match its manifest; nothing was restored:",
            problems))
    return manifest


def check_backup(folder):
    """``restore --verify-only``: the :class:`Summary` of a backup that checks out."""
    started = time.monotonic()
    manifest = verify_backup(folder)
    return _summary(folder, manifest, time.monotonic() - started,
                    total_bytes=_folder_bytes(folder))


def _refuse_unless_empty_database(connection, vendor):
    with connection.cursor() as cursor:
        tables = user_tables(cursor, vendor)
    if tables:
        name = connection.settings_dict["NAME"]
        raise BackupError(
            f"The database {name} already holds {len(tables)} table(s) ({tables[0]}, …); "
            "restore only into an empty database: create a new one and point DATABASE_URL "
            "at it. Nothing was changed.")


def _refuse_unless_files_can_be_restored(files):
    """A folder backup needs local storage and an empty or missing MEDIA_ROOT; a bucket
    listing needs object storage that still holds every listed object version."""
    from django.core.files.storage import storages

    if files["storage"] == "object":
        if not uses_object_storage():
            raise BackupError("This backup lists objects in a bucket, but this installation "
                              "keeps files in MEDIA_ROOT; set AWS_STORAGE_BUCKET_NAME. "
                              "Nothing was changed.")
        missing = missing_object_versions(storages["default"], files)
        if missing:
            raise BackupError(_differences_message(
                "The bucket no longer holds every file of this backup; nothing was "
                "restored:", missing))
        return
    if uses_object_storage():
        raise BackupError("This backup holds its files in a folder, but this installation "
                          "keeps files in object storage (AWS_STORAGE_BUCKET_NAME); restore "
                          "with local storage. Nothing was changed.")
    root = Path(settings.MEDIA_ROOT)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise BackupError(f"MEDIA_ROOT {root} exists and is not empty; restore only into an "
                          "empty or missing folder. Nothing was changed.")


def restore_backup(folder, connection=default_connection):
    """Restore a backup into this installation's empty database and MEDIA_ROOT, then
    check every table and every file against the manifest; return the :class:`Summary`.

    Everything that could refuse is checked before anything is written: the backup
    against its manifest, the vendor, the database's emptiness, MEDIA_ROOT's (or, with
    object storage, that the bucket still holds every listed object version)."""
    started = time.monotonic()
    folder = Path(folder)
    manifest = verify_backup(folder)
    database, files = manifest["database"], manifest["files"]
    vendor = connection.vendor
    if database["vendor"] != vendor:
        raise BackupError(f"This backup is of a {database['vendor']} database; the "
                          f"configured database is {vendor}. Nothing was changed.")
    _refuse_unless_empty_database(connection, vendor)
    _refuse_unless_files_can_be_restored(files)

    dump = folder / database["dump"]
    if vendor == "postgresql":
        restore_postgresql(connection.settings_dict, dump)
    else:
        restore_sqlite(connection, dump)
    differences = []
    if files["storage"] == "local":
        copy_folder(folder / files["folder"], settings.MEDIA_ROOT)
        differences += compare_files(files["entries"], folder_files(settings.MEDIA_ROOT),
                                     "MEDIA_ROOT")
    restored = database_contents(connection)
    differences = compare_tables(database["tables"], restored["tables"]) + differences
    if restored["migrations"] != database["migrations"]:
        differences.append("the applied migrations differ from the manifest")
    if differences:
        raise BackupError(_differences_message(
            "The restored installation differs from the backup:", differences))
    return _summary(folder, manifest, time.monotonic() - started,
                    total_bytes=_folder_bytes(folder))


def pending_migrations(connection=default_connection):
    """How many migrations of this version of the code the database lacks: a backup from
    an older version restores as it was and then needs ``manage.py migrate``."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
