"""Sending an email through the outbox from apps below ``notifications``.

Every email goes through the outbox (``gecc.notifications.domain.notify``): it is stored
first, sent after commit, and a sweep sends it later if the broker was down. ``accounts``
and ``registry`` sit below ``notifications`` in the import order, so they call
``gecc.common.outbox.notify`` instead; the notifications app plugs its ``notify`` in from
``AppConfig.ready()`` (the same turn-around as ``rounds.domain.rounds.register_phase_check``).
"""

_notify = None


class OutboxMissingError(RuntimeError):
    """No outbox is installed: the notifications app is missing from INSTALLED_APPS."""


def set_outbox(notify_function):
    global _notify
    _notify = notify_function


def notify(event, *, recipients, context, obj=None, actor=None):
    """Render ``event``'s email, store it in the outbox and send it after commit; returns the
    stored messages. See ``gecc.notifications.domain.notify``."""
    if _notify is None:
        raise OutboxMissingError("gecc.notifications is not installed: no outbox to send to")
    return _notify(event, recipients=recipients, context=context, obj=obj, actor=actor)
