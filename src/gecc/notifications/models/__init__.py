from .outbox_message import OutboxChangeError, OutboxMessage

__all__ = ["OutboxChangeError", "OutboxMessage"]
