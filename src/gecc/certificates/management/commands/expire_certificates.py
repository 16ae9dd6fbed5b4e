"""``manage.py expire_certificates [--date YYYY-MM-DD]``: every issued or suspended
certificate whose validity ended before the date (today in Asia/Bangkok by default) becomes
expired. The same function as the daily Celery task; safe to run again."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from gecc.certificates.domain.lifecycle import expire_certificates


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD (Christian era), not {value!r}") from None


class Command(BaseCommand):
    help = "Expire the certificates whose validity has ended (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD, C.E.).")

    def handle(self, *args, date=None, **options):
        count = expire_certificates(parse_date(date))
        self.stdout.write(f"{count} certificate(s) expired.")
