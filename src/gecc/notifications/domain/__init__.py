"""Email notifications: ``notify()`` renders, stores in the outbox, and sends after commit."""

from .outbox import NotificationError, clean_recipients, notify, resend, schedule_send
from .render import RenderedEmail, UnknownEventError, render_email
from .sending import deliver, is_connection_error
from .sweep import stale_messages, sweep_outbox

__all__ = ["NotificationError", "RenderedEmail", "UnknownEventError", "clean_recipients",
           "deliver", "is_connection_error", "notify", "render_email", "resend", "schedule_send",
           "stale_messages", "sweep_outbox"]
