"""E-mails never carry a relative link.

A link such as ``/portal/applications/9/`` works in a browser tab of the site, not in a
mail client, which has no site to resolve it against. Links are made absolute with
``gecc.common.urls.absolute_url`` (``SITE_URL``); ``relative_links`` finds any that were
not, in the HTML part (``href``/``src`` attributes) and in the text part (a bare path after
a space or at the start of a line), so the outbox can refuse such a message with a reason
instead of sending links nobody can open.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _

# href="…", src='…', action=… (the quotes are optional in HTML).
_ATTRIBUTE = re.compile(r"""\b(?:href|src|action)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
                        re.IGNORECASE)
# An absolute URL (http:, https:, mailto:, tel:…) or a fragment on the same document.
_NOT_RELATIVE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#)", re.IGNORECASE)
# A bare path in text: a slash starting a word (after a space, a bracket, a quote or at the
# start of a line), a path segment of ASCII letters, digits or -._~%, and a second slash; so
# "/portal/applications/9/" and "(/staff/)" match, while "08/06/2563", "และ/หรือ", " / "
# and "ข้อ 3 /4" do not. Tags are removed first ("</p>" is no path).
_BARE_PATH = re.compile(
    r"""(?:^|(?<=[\s(\["'«“]))(/[A-Za-z0-9._~%-]+/(?:[A-Za-z0-9._~%?=&#-]+/?)*)""",
    re.MULTILINE)
_TAG = re.compile(r"<[^>]*>")


def relative_links(text_or_html) -> list[str]:
    """The relative links in an e-mail's HTML or text, each once, in order of appearance."""
    text = text_or_html or ""
    found = []
    for match in _ATTRIBUTE.finditer(text):
        value = next(group for group in match.groups() if group is not None).strip()
        if value and not _NOT_RELATIVE.match(value):
            found.append(value)
    for match in _BARE_PATH.finditer(_TAG.sub(" ", text)):
        found.append(match.group(1))
    return list(dict.fromkeys(found))


def relative_link_error(subject, body_text, body_html) -> str:
    """Why a message may not be sent ("" when every link is absolute)."""
    links = relative_links(body_html) + relative_links(body_text) + relative_links(subject)
    if not links:
        return ""
    links = list(dict.fromkeys(links))
    shown = ", ".join(links[:3]) + (" …" if len(links) > 3 else "")
    if getattr(settings, "SITE_URL", ""):
        hint = _("Build every link with gecc.common.urls.absolute_url.")
    else:
        hint = _("Set SITE_URL to the site's public address (e.g. https://gecc.example.go.th), "
                 "then have the message created again.")
    return _("Not sent: the message contains a relative link that does not open from a mail "
             "client (%(links)s). %(hint)s") % {"links": shown, "hint": hint}
