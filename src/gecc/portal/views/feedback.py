"""The unit's feedback report in the portal: the web page and the PDF, only once the
secretariat has released it (before that, and for another unit's application, a 404 that
says nothing about a report)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gecc.scoring.domain.feedback import feedback_filename, feedback_pdf, feedback_report
from gecc.scoring.models import TeamSheet

from .base import PortalView, get_application


def released_team_sheet(user, application) -> TeamSheet:
    """The released report's team sheet of the user's ``application`` (or 404)."""
    team_sheet = (TeamSheet.objects.visible_to(user)
                  .select_related("application", "application__unit", "application__round",
                                  "subcommittee")
                  .filter(application=application).first())
    if team_sheet is None or not user.has_perm("scoring.view_released_feedback", team_sheet):
        raise Http404
    return team_sheet


class ApplicationFeedbackView(PortalView):
    def get(self, request, pk):
        application = get_application(request.user, pk)
        team_sheet = released_team_sheet(request.user, application)
        return render(request, "portal/application/feedback.html",
                      {"application": application, "report": feedback_report(team_sheet)})


class ApplicationFeedbackPdfView(PortalView):
    def get(self, request, pk):
        from gecc.common.documents import DocumentRenderError, pdf_response

        application = get_application(request.user, pk)
        team_sheet = released_team_sheet(request.user, application)
        try:
            pdf = feedback_pdf(team_sheet, request=request)
        except DocumentRenderError:
            messages.error(request, _("The PDF could not be made just now. Try again in a "
                                      "moment."))
            return redirect(reverse("portal:application.feedback", args=[application.pk]))
        return pdf_response(pdf, feedback_filename(team_sheet))
