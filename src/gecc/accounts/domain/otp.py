"""TOTP second factor (django-otp): enrolment, confirmation, verification."""

from django_otp.plugins.otp_totp.models import TOTPDevice


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
