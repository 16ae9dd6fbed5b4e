"""Delete what photo uploads left behind: ``manage.py purge_photo_uploads [--hours N]``.

Unfinished uploads started more than N hours ago (default 48) and their part files, photos
attached to no item whose last upload finished more than N hours ago (with their files), and
part files that belong to no upload. Safe to run while members upload: each row is deleted
under its lock, and a photo attached meanwhile is kept. Run it daily (cron or a timer).
"""

from django.core.management.base import BaseCommand, CommandError

from gecc.scoring.domain.photos import purge


class Command(BaseCommand):
    help = ("Delete unfinished photo uploads and photos attached to no item, older than "
            "--hours (48 by default).")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=48,
                            help="Age in hours after which leftovers are deleted (48).")

    def handle(self, *args, hours, **options):
        if hours < 0:
            raise CommandError("--hours cannot be negative.")
        uploads, blobs, parts = purge(hours)
        self.stdout.write(f"Deleted {uploads} incomplete upload(s), {blobs} photo(s) "
                          f"attached to no item and {parts} leftover part file(s).")
