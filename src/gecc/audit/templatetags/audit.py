"""``{% load audit %}{% audit_history obj %}``: the recent audit entries of one object,
as far as the viewing user may see them, with a link to its full history."""

from urllib.parse import urlencode

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from gecc.audit.domain import entry_model, object_type_label, summarize
from gecc.audit.labels import action_label, has_action_label
from gecc.audit.models import AuditEntry

register = template.Library()

HISTORY_LENGTH = 20


def _viewer(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None else context.get("user")


@register.inclusion_tag("audit/entry/history.html", takes_context=True)
def audit_history(context, obj, limit=HISTORY_LENGTH):
    user = _viewer(context)
    content_type = ContentType.objects.get_for_model(obj)
    entries = list(
        AuditEntry.objects.visible_to(user)
        .filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("actor", "content_type")[:limit]
    )
    can_browse = bool(user is not None and user.has_perm("audit.view_log"))
    full_url = None
    if can_browse:
        query = urlencode({"content_type": content_type.pk, "object_id": obj.pk})
        full_url = f"{reverse('audit:entry.list')}?{query}"
    return {"entries": entries, "full_url": full_url, "can_browse": can_browse}


@register.filter
def audit_summary(entry):
    """A one-line summary of what an entry changed, with field labels and readable values."""
    return summarize(entry.data, model=entry_model(entry))


@register.filter
def audit_action(code):
    """The human title of an action code (the code itself when it has none)."""
    return action_label(code)


@register.filter
def audit_action_known(code):
    """True when the action code has a human title (so the raw code is shown beside it)."""
    return has_action_label(code)


@register.filter
def audit_object_type(content_type):
    """The readable name of an entry's object type."""
    return object_type_label(content_type)
