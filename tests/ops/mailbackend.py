"""A mail backend for the restart tests: Django's file backend at a mail server's pace.

Handing a message to an SMTP server takes a while (connection, EHLO, MAIL, RCPT, DATA); the
file backend takes a millisecond. This one waits ``OPS_MAIL_DELAY`` seconds before writing
each message file, and while it waits a marker file in ``OPS_MAIL_MARKERS`` (named after the
process, holding the time the hand-over began) says that a message is on its way. The
restart test kills the worker while a marker is young: in the middle of a hand-over, before
the mail server has the message.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("OPS_MAIL_DELAY", "0.05"))
        folder = os.environ.get("OPS_MAIL_MARKERS")
        marker = Path(folder) / f"sending-{os.getpid()}" if folder else None
        if marker is not None:
            marker.write_text(repr(time.time()))
        time.sleep(delay)
        sent = super().send_messages(email_messages)
        if marker is not None:
            marker.unlink(missing_ok=True)
        return sent
