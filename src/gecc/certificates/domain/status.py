"""What a certificate's status is on a given day, as the public verification page says it.

The stored ``state`` is changed by the lifecycle functions (``domain/lifecycle.py``); the
daily expiry job may not have run yet on the day validity ends, so a certificate still
stored as issued whose ``valid_until`` has passed already reads as expired."""

from __future__ import annotations

import datetime

from django.utils import timezone

from gecc.certificates.enums import CertificateState, VerifyStatus


def today() -> datetime.date:
    return timezone.localdate()


def verify_status(certificate, on: datetime.date | None = None) -> VerifyStatus:
    on = on or today()
    if certificate.state == CertificateState.WITHDRAWN:
        return VerifyStatus.WITHDRAWN
    if certificate.state == CertificateState.EXPIRED or certificate.valid_until < on:
        return VerifyStatus.EXPIRED
    if certificate.state == CertificateState.SUSPENDED:
        return VerifyStatus.SUSPENDED
    return VerifyStatus.VALID
