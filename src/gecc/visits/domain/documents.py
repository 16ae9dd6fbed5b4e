"""The printable itinerary of a sub-committee (Thai, A4), through the one document renderer
(``gecc.common.documents``: HTML → PDF in headless Chromium with Sarabun embedded)."""

from django.utils import timezone, translation

from gecc.committees.models import Membership

from .schedule import base_label, itinerary_schedule

TEMPLATE = "visits/itinerary/document.html"


def itinerary_title(subcommittee) -> str:
    return f"กำหนดการตรวจประเมินศูนย์ราชการสะดวก คณะที่ {subcommittee.number}"


def itinerary_document_context(itinerary) -> dict:
    team = itinerary.subcommittee
    members = list(Membership.objects.filter(subcommittee=team)
                   .select_related("user", "user__assessor_profile",
                                   "user__assessor_profile__affiliation"))
    schedule = itinerary_schedule(itinerary, base_label(team))
    return {
        "itinerary": itinerary,
        "team": team,
        "round": team.round,
        "title": itinerary_title(team),
        "members": members,
        "days": schedule,
        "visit_count": sum(len(day.visits) for day in schedule),
        "printed_at": timezone.now(),
    }


def itinerary_pdf(itinerary, *, request=None) -> bytes:
    """The itinerary as a PDF, always in Thai (an official document)."""
    from gecc.common.documents import render_pdf

    with translation.override("th"):
        return render_pdf(TEMPLATE, itinerary_document_context(itinerary), request=request)


def itinerary_filename(itinerary) -> str:
    team = itinerary.subcommittee
    return f"กำหนดการตรวจประเมิน-คณะที่-{team.number}-{team.round.year}.pdf"
