"""Sending the application's notifications through ``gecc.notifications``.

The notifications app is imported lazily so that this layer keeps working (without
e-mail) where that app is not installed.
"""

from django.urls import NoReverseMatch, reverse


def recipients_for(application) -> list[str]:
    """The unit's coordinators and the application's contact person, each once."""
    emails = application.unit.coordinator_emails()
    if application.contact_email:
        emails.append(application.contact_email)
    seen, out = set(), []
    for email in emails:
        key = (email or "").strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(email.strip())
    return out


def application_path(application) -> str:
    """The path of the unit's page for the application, once the portal defines it."""
    try:
        return reverse("portal:application.detail", kwargs={"pk": application.pk})
    except NoReverseMatch:
        return ""


def notify_application(event, application, *, actor=None, reason="", deadline=None,
                       comments=(), receipt=None):
    try:
        from gecc.notifications.domain import notify
    except ImportError:  # the notifications app is not installed
        return []
    recipients = recipients_for(application)
    if not recipients:
        return []
    context = {
        "application": application,
        "unit": application.unit,
        "round": application.round,
        "reason": reason or "",
        "deadline": deadline,
        "comments": [str(comment) for comment in comments],
        "url": application_path(application),
        "receipt": receipt,
    }
    return notify(event, recipients=recipients, context=context, obj=application,
                  actor=actor)
