"""System checks for the e-mail links (``manage.py check``; ``check --deploy``).

Links in e-mails are built from ``SITE_URL`` (``gecc.common.urls.absolute_url``); without it
the outbox refuses every message carrying a link (``domain.links``). So:

* ``gecc.E001`` (error): ``SITE_URL`` is not an ``http(s)://host`` address;
* ``gecc.E002`` (error): e-mail really goes out (an SMTP backend) with DEBUG off and no
  ``SITE_URL``: ``migrate`` and ``check`` stop, so production does not start sending;
* ``gecc.W001`` (warning, deploy check): no ``SITE_URL`` at all.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Backends that deliver nothing to a real mailbox.
NON_DELIVERING_BACKENDS = (
    "django.core.mail.backends.console.",
    "django.core.mail.backends.locmem.",
    "django.core.mail.backends.dummy.",
    "django.core.mail.backends.filebased.",
)
HINT = ("Set SITE_URL to the site's public address, e.g. SITE_URL=https://gecc.example.go.th "
        "(docs/deploy.md).")


def sends_real_mail() -> bool:
    return not settings.EMAIL_BACKEND.startswith(NON_DELIVERING_BACKENDS)


@register()
def check_site_url(app_configs=None, **kwargs):
    site_url = (getattr(settings, "SITE_URL", "") or "").strip()
    if site_url:
        parts = urlsplit(site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
                or parts.fragment:
            return [Error(f"SITE_URL {site_url!r} is not an address such as "
                          "https://gecc.example.go.th.", hint=HINT, id="gecc.E001")]
        return []
    if sends_real_mail() and not settings.DEBUG:
        return [Error("SITE_URL is empty while e-mail is sent through "
                      f"{settings.EMAIL_BACKEND}: every e-mail with a link would be refused "
                      "(links must be absolute to open from a mail client).",
                      hint=HINT, id="gecc.E002")]
    return []


@register(Tags.security, deploy=True)
def check_site_url_deploy(app_configs=None, **kwargs):
    if (getattr(settings, "SITE_URL", "") or "").strip():
        return []
    return [Warning("SITE_URL is empty: e-mails with a link are refused by the outbox "
                    "(a relative link does not open from a mail client).",
                    hint=HINT, id="gecc.W001")]
