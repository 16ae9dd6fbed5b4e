"""TOTP second factor (django-otp): enrolment, confirmation, verification, removal."""

from base64 import b32encode
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.accounts.domain import throttle
from gecc.audit.domain import log_action

DEFAULT_DEVICE_NAME = "authenticator"


def requires_second_factor(user) -> bool:
    """Must this user verify a second factor before working? The roles in
    settings.SECOND_FACTOR_REQUIRED_ROLES must, and so must anyone with access to the
    technical admin site (staff or superuser), whatever their roles."""
    if user.is_superuser or user.is_staff:
        return True
    return any(user.has_role(role) for role in settings.SECOND_FACTOR_REQUIRED_ROLES)


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


# Enrolment -----------------------------------------------------------------------------


def start_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed device, created on first call and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEFAULT_DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device) -> str:
    """The secret as people type it into an authenticator app."""
    return b32encode(device.bin_key).decode("ascii")


def qr_code_svg(device) -> str:
    """The device's otpauth:// URL as an inline SVG QR code."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#1d2733", light="#ffffff", border=2,
        title=_("QR code for your authenticator app"),
    )


@transaction.atomic
def confirm_enrolment(request, device, code) -> bool:
    """Confirm ``device`` if ``code`` is valid for it, and mark the session verified."""
    if device.confirmed or not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    if request.user.is_authenticated and request.user.pk == device.user_id:
        otp_login(request, device)
    log_action("user.otp_enrolled", actor=device.user, obj=device.user,
               data={"device": device.name}, request=request)
    return True


# Verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    device: TOTPDevice | None
    error: str = ""


def verify_code(request, user, code, *, now=None) -> VerifyResult:
    """Check a one-time code for ``user``, throttled like a password.

    A refused attempt (slowed or locked) does not look at the code. A wrong code is
    recorded as a failure and logged as ``user.otp_failed``; a right one is logged as
    ``user.otp_verified``. Marking the session verified is the caller's job, since the
    user may not be signed in yet (see ``gecc.accounts.domain.login``).
    """
    ip = throttle.client_ip(request)
    attempt = throttle.begin(user.email, ip, now=now)
    if not attempt.allowed:
        return VerifyResult(None, attempt.message)
    for device in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"):
        if device.verify_token(code):
            throttle.release(attempt)
            log_action("user.otp_verified", actor=user, obj=user,
                       data={"device": device.name}, request=request)
            return VerifyResult(device)
    log_action("user.otp_failed", obj=user, data={"email": user.email, "ip": ip},
               request=request)
    verdict = throttle.record_failure(user.email, ip, now=now, request=request)
    errors = [_("The code is not correct. Check the time on your phone and try again.")]
    if not verdict.allowed:
        errors.append(verdict.message)
    return VerifyResult(None, " ".join(errors))


# Removal -------------------------------------------------------------------------------


def can_remove_devices(user) -> bool:
    return not requires_second_factor(user)


@transaction.atomic
def remove_devices(request, user) -> int:
    """Remove every TOTP device of ``user``; refused for roles that must have one."""
    if not can_remove_devices(user):
        raise PermissionDenied(_("Your role requires a second factor; it cannot be removed."))
    devices = TOTPDevice.objects.filter(user=user)
    names = sorted(devices.filter(confirmed=True).values_list("name", flat=True))
    deleted, _counts = devices.delete()
    log_action("user.otp_removed", actor=user, obj=user, data={"devices": names},
               request=request)
    return deleted
