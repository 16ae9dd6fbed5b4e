"""``manage.py send_renewal_reminders [--date YYYY-MM-DD]``: e-mail each unit whose
certificate reaches a threshold of ``CERTIFICATE_REMINDER_DAYS`` (180, 90, 30 days before
the end of validity) its renewal reminder, each once. The same function as the daily Celery
task; safe to run again."""

from django.core.management.base import BaseCommand

from gecc.certificates.domain.lifecycle import send_renewal_reminders
from gecc.certificates.management.commands.expire_certificates import parse_date


class Command(BaseCommand):
    help = "Send the renewal reminders due today (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD, C.E.).")

    def handle(self, *args, date=None, **options):
        count = send_renewal_reminders(parse_date(date))
        self.stdout.write(f"{count} renewal reminder(s) sent.")
