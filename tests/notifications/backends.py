"""Mail backends that fail the way a real server can."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """The server answers and refuses every recipient (not worth retrying)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"unit@lamphun.go.th": (550, b"No such user")})


class UnreachableBackend(BaseEmailBackend):
    """The server cannot be reached (worth retrying later)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")
