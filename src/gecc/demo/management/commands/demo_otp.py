from django.core.management.base import BaseCommand
from django_otp.oath import totp

from gecc.demo.accounts import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = "Print the current one-time code of the demo secretariat account."

    def handle(self, *args, **options):
        self.stdout.write(f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}")
