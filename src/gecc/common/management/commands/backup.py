"""Back up the database and the uploaded files: ``manage.py backup <folder>``.

Writes one new folder: the database dump (``pg_dump -Fc``, or a copy of the SQLite file),
the files of MEDIA_ROOT (or, with object storage, the listing of the bucket's object
versions) and ``manifest.json`` with every table's row count and checksum and every file's
SHA-256, which ``manage.py restore`` checks. The folder appears only once complete. The
logic is in :mod:`gecc.common.backup`; docs/deploy.md ("Backups") has the schedule.
"""

from django.core.management.base import BaseCommand, CommandError

from gecc.common.backup import BackupError, create_backup


def describe(summary):
    """One line: what a backup, check or restore covered and how long it took."""
    return (f"{summary.vendor}: {summary.tables} tables, {summary.rows:,} rows; "
            f"{summary.files:,} files, {summary.file_bytes:,} bytes; backup folder "
            f"{summary.total_bytes:,} bytes; {summary.seconds:.1f} s.")


class Command(BaseCommand):
    help = ("Write a backup folder (database dump, uploaded files, manifest with "
            "checksums) that manage.py restore can check and restore.")

    def add_arguments(self, parser):
        parser.add_argument("target", nargs="?",
                            help="The backup folder to create; it must not exist yet.")
        parser.add_argument("--output", help="The same as the positional folder.")

    def handle(self, *args, target, output, **options):
        if bool(target) == bool(output):
            raise CommandError("Give the backup folder once: manage.py backup <folder> "
                               "or manage.py backup --output <folder>.")
        try:
            summary = create_backup(target or output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {summary.folder}")
        for warning in summary.warnings:
            self.stderr.write(f"Warning: {warning}")
        self.stdout.write(describe(summary))
