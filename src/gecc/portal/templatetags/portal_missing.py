"""``{% missing_entries application missing %}``: the entries of the list of what is still
missing (``portal/application/_missing.html``), on the assessment page, in an autosave's
answer whenever a count moves, and on the submit page.

Written in Python rather than as a loop of the template: the list holds every item not yet
done (60 on a new application of the example edition) and the template engine took about
4 ms of a request for it, most of an autosave's rendering."""

from urllib.parse import quote

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from gecc.applications.domain.answers import NA_NOT_ALLOWED, NO_EVIDENCE, TO_CONFIRM, UNANSWERED
from gecc.common.urls import reverse_one

register = template.Library()


def badges() -> dict:
    """Reason → (badge class, label), in the active language."""
    return {TO_CONFIRM: ("badge-confirm", _("to confirm")),
            NO_EVIDENCE: ("badge-missing", _("evidence file required")),
            NA_NOT_ALLOWED: ("badge-missing", _("N/A is not allowed for this item")),
            UNANSWERED: ("badge-missing", _("not answered"))}


@register.simple_tag
def missing_entries(application, missing):
    """One ``<li>`` per entry: the item's reference, linked to its category's page at its
    anchor (or the old anchor the page's script resolves), its text cut at 80 characters,
    and a badge per reason."""
    base = reverse_one("portal:application.assessment", pk=application.pk)
    labels = badges()
    rows = []
    for entry in missing:
        category = getattr(entry.answer, "category_ref", None)
        query = f"?category={quote(category, safe='/')}" if category else ""
        rows.append(format_html(
            '<li data-testid="missing-{ref}"><a href="{base}{query}#item-{ref}">{ref}</a>\n'
            "          {text}\n          {badges}</li>",
            ref=entry.ref, base=base, query=query,
            text=Truncator(entry.item.text_th).chars(80),
            badges=format_html_join("", '<span class="badge {}">{}</span>',
                                    (labels[reason] for reason in entry.reasons))))
    return mark_safe("\n".join(rows))  # every row built by format_html, escaped there
