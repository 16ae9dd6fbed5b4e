"""The one entry point that writes the audit log."""

from django.contrib.contenttypes.models import ContentType

from gecc.audit.models import AuditEntry

SECRET_MARKERS = ("password", "secret", "token", "key", "otp", "totp", "session")
MASK = "********"


def mask_secrets(value):
    """Replace the values of secret-looking keys, at any depth, with a mask."""
    if isinstance(value, dict):
        return {
            key: MASK if any(m in str(key).lower() for m in SECRET_MARKERS) else mask_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(item) for item in value]
    return value


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log_action(action, *, actor=None, obj=None, before=None, after=None, data=None,
               request=None, actor_label=""):
    """Append one audit entry.

    ``action`` is a namespaced code such as ``round.opened``; ``before`` and ``after`` are
    dicts of the changed fields; ``data`` holds anything else worth keeping. Secret fields are
    masked. Call it inside the domain function that makes the change, in the same transaction.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    payload = {}
    if before is not None:
        payload["before"] = before
    if after is not None:
        payload["after"] = after
    if data:
        payload.update(data)
    entry = AuditEntry(
        action=action,
        actor=actor,
        actor_label=actor_label or (actor.email if actor is not None else ""),
        data=mask_secrets(payload),
        ip_address=client_ip(request),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    entry.save(force_insert=True)
    return entry
