"""Rendering one event's email: Thai first, English below, from templates.

Each event has three templates under ``notifications/email/<event>/``: ``subject.txt``,
``body.txt`` and ``body.html``. Their text is written with ``{% translate %}``; each template
is rendered twice, once with Thai active and once with English active, and the two parts are
put together here. The template context also holds ``lang`` ("th" or "en"). Dates are shown
in the Buddhist era in both languages with the ``thaidate`` filters, which follow the active
language (``{{ deadline|thaideadline }}``: 20 ธันวาคม 2569 / 20 December 2569 BE), so the Thai
and English parts name the same day as every page does.
"""

import re
from dataclasses import dataclass

from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from gecc.common.urls import absolute_url

# The languages of every message, in order: Thai first, English below.
LANGUAGES = ("th", "en")
PARTS = ("subject.txt", "body.txt", "body.html")
TEXT_SEPARATOR = "\n\n" + "-" * 60 + "\n\n"
SUBJECT_SEPARATOR = " / "
SUBJECT_MAX_LENGTH = 500


class UnknownEventError(LookupError):
    """No email templates exist for the event code."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str
    language: str = LANGUAGES[0]


def template_name(event, part):
    return f"notifications/email/{event}/{part}"


def check_event(event):
    """Raise :class:`UnknownEventError` unless every template of ``event`` exists."""
    if not event or not re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", event):
        raise UnknownEventError(f"Not a notification event code: {event!r}")
    missing = []
    for part in PARTS:
        try:
            get_template(template_name(event, part))
        except TemplateDoesNotExist:
            missing.append(template_name(event, part))
    if missing:
        raise UnknownEventError(
            f"Unknown notification event {event!r}: missing templates {', '.join(missing)}")


def absolute_links(context):
    """Every link in the context (a key named ``url`` or ending in ``_url``) made absolute
    with ``SITE_URL`` (``gecc.common.urls.absolute_url``), whoever built it."""
    return {key: absolute_url(value) if key == "url" or key.endswith("_url") else value
            for key, value in context.items()}


def _one_line(text):
    return " ".join(text.split())


def render_email(event, context) -> RenderedEmail:
    check_event(event)
    context = absolute_links(context)
    context.setdefault("comments", [])
    subjects, texts, htmls = [], [], []
    for language in LANGUAGES:
        with translation.override(language):
            part_context = {**context, "lang": language}
            subjects.append(_one_line(render_to_string(template_name(event, "subject.txt"),
                                                       part_context)))
            texts.append(render_to_string(template_name(event, "body.txt"), part_context).strip())
            htmls.append(mark_safe(render_to_string(template_name(event, "body.html"),
                                                    part_context).strip()))
    subject = SUBJECT_SEPARATOR.join(dict.fromkeys(subject for subject in subjects if subject))
    with translation.override(LANGUAGES[0]):
        body_html = render_to_string("notifications/email/layout.html", {
            "parts": list(zip(LANGUAGES, htmls, strict=True)), "subject": subject,
        })
    return RenderedEmail(subject=subject[:SUBJECT_MAX_LENGTH], body_text=TEXT_SEPARATOR.join(texts),
                         body_html=body_html)
