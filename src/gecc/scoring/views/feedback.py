"""The feedback report on the staff side: the web page and the PDF (the secretariat, the
team's members, the steering committee reading the page only), and its release to the unit,
one application or a whole round, each through a confirmation page.

Everything goes through ``gecc.scoring.domain.feedback``; a team sheet outside the user's
scope, or one whose report does not exist yet (not locked), is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.accounts.rules import is_staff_member
from gecc.rounds.models import Round
from gecc.scoring.domain.feedback import (
    coordinator_emails,
    feedback_filename,
    feedback_pdf,
    feedback_report,
    releasable_team_sheets,
    release_feedback,
    release_refusal,
    release_round_feedback,
)
from gecc.scoring.models import TeamSheet


class StaffMixin(AllowedUserRequiredMixin):
    """Signed-in staff (a coordinator → 403); rows are then limited by ``visible_to``."""

    def allowed(self, user):
        return is_staff_member(user)


class ReleaseMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("scoring.release_feedback")


def get_team_sheet(user, pk, perm="scoring.view_feedback") -> TeamSheet:
    """The team sheet whose report ``user`` may read (404 otherwise: out of scope, or not
    locked yet, so nothing says a report exists)."""
    team_sheet = get_object_or_404(
        TeamSheet.objects.visible_to(user).select_related(
            "application", "application__unit", "application__round", "subcommittee"),
        pk=pk)
    if not user.has_perm("scoring.view_feedback", team_sheet):
        raise Http404
    if not user.has_perm(perm, team_sheet):
        raise PermissionDenied
    return team_sheet


def wants_scores(request) -> bool | None:
    """``?scores=1`` shows the team's consensus score of each item with findings, ``0``
    hides them; otherwise the default (``SCORING_FEEDBACK_ITEM_SCORES``)."""
    value = request.GET.get("scores")
    return {"1": True, "0": False}.get(value)


class FeedbackDetailView(StaffMixin, View):
    template_name = "scoring/feedback/detail.html"

    def get(self, request, pk):
        team_sheet = get_team_sheet(request.user, pk)
        report = feedback_report(team_sheet, include_scores=wants_scores(request))
        user = request.user
        return render(request, self.template_name, {
            "report": report, "team_sheet": team_sheet,
            "can_download": user.has_perm("scoring.download_feedback", team_sheet),
            "can_release": user.has_perm("scoring.release_feedback"),
        })


class FeedbackPdfView(StaffMixin, View):
    """The Thai PDF for the secretariat and the team's members."""

    def get(self, request, pk):
        from gecc.common.documents import DocumentRenderError, pdf_response

        team_sheet = get_team_sheet(request.user, pk, "scoring.download_feedback")
        try:
            pdf = feedback_pdf(team_sheet, include_scores=wants_scores(request),
                               request=request)
        except DocumentRenderError:
            messages.error(request, _("The PDF could not be made just now. Try again in a "
                                      "moment; if it keeps failing, tell the system "
                                      "administrator."))
            return redirect(reverse("scoring:feedback.detail", args=[team_sheet.pk]))
        return pdf_response(pdf, feedback_filename(team_sheet))


class FeedbackReleaseView(ReleaseMixin, View):
    """GET: what releasing does and who is told (or why it cannot be done); POST: release."""

    template_name = "scoring/feedback/release.html"

    def load(self, request, pk):
        team_sheet = get_object_or_404(
            TeamSheet.objects.visible_to(request.user).select_related(
                "application", "application__unit", "application__round", "subcommittee"),
            pk=pk)
        return team_sheet

    def context(self, team_sheet, problem):
        return {"team_sheet": team_sheet, "application": team_sheet.application,
                "recipients": coordinator_emails(team_sheet.application),
                "problem": problem}

    def get(self, request, pk):
        team_sheet = self.load(request, pk)
        return render(request, self.template_name,
                      self.context(team_sheet, release_refusal(team_sheet)))

    def post(self, request, pk):
        team_sheet = self.load(request, pk)
        try:
            release_feedback(team_sheet, request.user, request=request)
        except ValidationError as exc:
            return render(request, self.template_name,
                          self.context(team_sheet, " ".join(exc.messages)), status=409)
        messages.success(request, _("The report is released. The unit's coordinators are "
                                    "being told by e-mail."))
        return redirect(reverse("scoring:feedback.detail", args=[team_sheet.pk]))


class RoundFeedbackReleaseView(ReleaseMixin, View):
    """GET: the round's locked team sheets whose report is not released yet; POST: release
    exactly those (refused when the list changed meanwhile)."""

    template_name = "scoring/feedback/release_round.html"

    def context(self, round_obj, problem=""):
        sheets = list(releasable_team_sheets(round_obj))
        return {"round": round_obj, "sheets": sheets, "problem": problem}

    def get(self, request, round_pk):
        round_obj = get_object_or_404(Round.objects.visible_to(request.user), pk=round_pk)
        return render(request, self.template_name, self.context(round_obj))

    def post(self, request, round_pk):
        round_obj = get_object_or_404(Round.objects.visible_to(request.user), pk=round_pk)
        listed = request.POST.getlist("team_sheet")
        if not all(value.isdigit() for value in listed):
            return render(request, self.template_name,
                          self.context(round_obj, _("The list sent is not valid.")),
                          status=400)
        try:
            released = release_round_feedback(round_obj, request.user, request=request,
                                              team_sheets=listed)
        except ValidationError as exc:
            return render(request, self.template_name,
                          self.context(round_obj, " ".join(exc.messages)), status=409)
        if released:
            messages.success(request, _("%(count)d reports released. The units' coordinators "
                                        "are being told by e-mail.")
                             % {"count": len(released)})
        else:
            messages.info(request, _("There was no report to release."))
        return redirect(reverse("scoring:feedback.release_round", args=[round_obj.pk]))
