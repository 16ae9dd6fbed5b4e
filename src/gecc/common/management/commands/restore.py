"""Restore a backup into an empty installation: ``manage.py restore <backup folder>``.

Checks the backup against its manifest first (the dump's and every file's SHA-256), then
refuses unless the configured database has no table and MEDIA_ROOT is empty or missing,
so it can never overwrite a live installation. After restoring it recomputes every
table's row count and checksum and every file's SHA-256 and fails, naming the first
differences, unless they all match the manifest. ``--verify-only`` checks the backup
folder and touches nothing else. The logic is in :mod:`gecc.common.backup`.
"""

from django.core.management.base import BaseCommand, CommandError

from gecc.common.backup import BackupError, check_backup, pending_migrations, restore_backup
from gecc.common.management.commands.backup import describe


class Command(BaseCommand):
    help = ("Restore a backup folder written by manage.py backup into an empty database and "
            "an empty MEDIA_ROOT, and check the result against its manifest.")

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder (the one holding manifest.json).")
        parser.add_argument("--verify-only", action="store_true",
                            help="Only check the backup folder against its manifest.")

    def handle(self, *args, folder, verify_only, **options):
        try:
            summary = check_backup(folder) if verify_only else restore_backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in summary.warnings:
            self.stderr.write(f"Warning: {warning}")
        if verify_only:
            self.stdout.write(f"The backup {summary.folder} matches its manifest.")
        else:
            self.stdout.write(f"Restored {summary.folder}; every table and file matches "
                              "the manifest.")
            pending = pending_migrations()
            if pending:
                self.stdout.write(f"{pending} migration(s) of this version are not applied "
                                  "yet: run manage.py migrate.")
        self.stdout.write(describe(summary))
