"""Appeals on the staff side: the list (filters by state and round, search by unit,
pagination, CSV export), an appeal's page with its history, the protected attachment
download, and the secretariat's steps (record the receipt, assign a reviewer, record the
outcome), each through a confirmation page.

The secretariat and the steering committee read; the secretariat acts. Everything goes
through ``gecc.decisions.domain.appeals``; rows come from ``Appeal.objects.visible_to``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.audit.domain import log_action, log_export
from gecc.common.csvexport import csv_response
from gecc.common.thaidate import format_be_stamp
from gecc.decisions.domain.appeals import (
    assign_reviewer,
    attachment_download_name,
    coordinator_emails,
    receive_appeal,
    record_appeal_outcome,
)
from gecc.decisions.enums import AppealState
from gecc.decisions.interfaces.appeals import (
    AppealFilterForm,
    OutcomeForm,
    ReviewerForm,
    export_header,
    export_rows,
)
from gecc.decisions.models import Appeal, AppealAttachment
from gecc.rounds.models import Round

PAGE_SIZE = 50


class ReadMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("decisions.list_appeals")


class ManageMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("decisions.manage_appeal")


def listed_appeals(request):
    """(filter form, the filtered appeals the user sees)."""
    rounds = Round.objects.visible_to(request.user).order_by("-year")
    form = AppealFilterForm(request.GET or None, rounds=rounds)
    queryset = form.filter(Appeal.objects.visible_to(request.user))
    queryset = queryset.select_related("application", "application__unit",
                                       "application__round", "reviewer", "decision")
    return form, queryset.order_by("-filed_at", "-pk")


class AppealListView(ReadMixin, ListView):
    template_name = "decisions/appeal/list.html"
    context_object_name = "appeals"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filter_form, queryset = listed_appeals(self.request)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"filter_form": self.filter_form, "now": timezone.now(),
                        "can_manage": self.request.user.has_perm("decisions.manage_appeal")})
        return context


class AppealExportView(ReadMixin, View):
    """The filtered list as CSV (every page), logged ``appeals.exported``."""

    def get(self, request):
        _form, queryset = listed_appeals(request)
        appeals = list(queryset)
        log_export("appeals.exported", request, data={"format": "csv", "rows": len(appeals)})
        name = f"appeals-{format_be_stamp(timezone.localdate())}.csv"
        return csv_response(name, export_header(), export_rows(appeals))


def get_appeal(user, pk) -> Appeal:
    appeal = (Appeal.objects.visible_to(user)
              .select_related("decision", "decision__meeting", "application",
                              "application__unit", "application__round",
                              "application__round__edition", "filed_by", "received_by",
                              "reviewer", "decided_by")
              .filter(pk=pk).first())
    if appeal is None or not user.has_perm("decisions.view_appeal", appeal):
        raise Http404
    return appeal


def appeal_steps(appeal) -> list[dict]:
    """The appeal's steps, in order, for the timeline: done or still to come."""
    return [
        {"label": _("Filed"), "at": appeal.filed_at,
         "by": appeal.filed_by, "done": True},
        {"label": _("Receipt recorded"), "at": appeal.received_at,
         "by": appeal.received_by, "done": appeal.received_at is not None},
        {"label": _("Under review"), "at": None, "by": appeal.reviewer,
         "done": appeal.reviewer_id is not None, "due": appeal.review_due},
        {"label": _("Outcome recorded"), "at": appeal.decided_at, "by": appeal.decided_by,
         "done": appeal.decided_at is not None},
    ]


def level_name(appeal, code):
    from gecc.scoring.domain.results import level_names

    if not code:
        return ""
    return level_names(appeal.application.round.edition).get(code, code)


def appeal_context(appeal):
    return {"appeal": appeal, "application": appeal.application,
            "decision": appeal.decision, "steps": appeal_steps(appeal),
            "attachments": list(appeal.attachments.order_by("pk")),
            "requested_level_name": level_name(appeal, appeal.requested_level),
            "outcome_level_name": level_name(appeal, appeal.outcome_level),
            "decision_level_name": level_name(appeal, appeal.decision.level)}


class AppealDetailView(ReadMixin, View):
    template_name = "decisions/appeal/detail.html"

    def get(self, request, pk):
        appeal = get_appeal(request.user, pk)
        can_manage = request.user.has_perm("decisions.manage_appeal")
        return render(request, self.template_name, {
            **appeal_context(appeal), "can_manage": can_manage,
            "can_receive": can_manage and appeal.state == AppealState.FILED,
            "can_assign": can_manage and appeal.state in (AppealState.RECEIVED,
                                                          AppealState.UNDER_REVIEW),
            "can_decide": can_manage and appeal.state in (AppealState.RECEIVED,
                                                          AppealState.UNDER_REVIEW)})


def serve_attachment(request, attachment):
    """The file itself (never from a media URL), every download audited."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    log_action("appeal.attachment_downloaded", actor=request.user, obj=attachment.appeal,
               request=request, data={"file": attachment.original_name,
                                      "sha256": attachment.sha256})
    response = FileResponse(handle, as_attachment=True,
                            filename=attachment_download_name(attachment),
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def get_attachment(user, pk) -> AppealAttachment:
    attachment = get_object_or_404(
        AppealAttachment.objects.select_related("appeal", "appeal__application",
                                                "appeal__application__unit")
        .filter(appeal__in=Appeal.objects.visible_to(user)), pk=pk)
    if not user.has_perm("decisions.view_appeal", attachment.appeal):
        raise Http404
    return attachment


class AppealAttachmentView(ReadMixin, View):
    def get(self, request, pk):
        return serve_attachment(request, get_attachment(request.user, pk))


class StepView(ManageMixin, View):
    """GET: what the step does and who is told (the confirmation page, with its form);
    POST: do it. A refusal comes back on the same page with what was typed."""

    template_name = ""

    def make_form(self, request, appeal, data=None):
        return None

    def perform(self, request, appeal, form):
        raise NotImplementedError

    success_message = ""

    def page(self, request, appeal, form, problem="", status=200):
        return render(request, self.template_name, {
            **appeal_context(appeal), "form": form, "problem": problem,
            "recipients": coordinator_emails(appeal.application)}, status=status)

    def get(self, request, pk):
        appeal = get_appeal(request.user, pk)
        return self.page(request, appeal, self.make_form(request, appeal))

    def post(self, request, pk):
        appeal = get_appeal(request.user, pk)
        form = self.make_form(request, appeal, request.POST)
        if form is not None and not form.is_valid():
            return self.page(request, appeal, form, status=400)
        try:
            self.perform(request, appeal, form)
        except ValidationError as exc:
            return self.page(request, appeal, form, " ".join(exc.messages), status=409)
        messages.success(request, self.success_message)
        return redirect(appeal.get_absolute_url())


class AppealReceiveView(StepView):
    template_name = "decisions/appeal/receive.html"

    def perform(self, request, appeal, form):
        receive_appeal(appeal, request.user, request=request)

    @property
    def success_message(self):
        return _("The receipt is recorded. The unit's coordinators are being told by e-mail.")


class AppealAssignView(StepView):
    template_name = "decisions/appeal/assign.html"

    def make_form(self, request, appeal, data=None):
        initial = {"reviewer": appeal.reviewer_id, "review_due": appeal.review_due}
        return ReviewerForm(data, initial=initial)

    def perform(self, request, appeal, form):
        assign_reviewer(appeal, request.user, reviewer=form.cleaned_data["reviewer"],
                        review_due=form.cleaned_data["review_due"], request=request)

    @property
    def success_message(self):
        return _("The reviewer is assigned. The unit's coordinators are being told by "
                 "e-mail.")


class AppealOutcomeView(StepView):
    template_name = "decisions/appeal/outcome.html"

    def make_form(self, request, appeal, data=None):
        return OutcomeForm(data, application=appeal.application,
                           initial={"level": appeal.requested_level})

    def perform(self, request, appeal, form):
        data = form.cleaned_data
        record_appeal_outcome(appeal, request.user, upheld=form.upheld, reason=data["reason"],
                              outcome=data.get("outcome") or None, level=data.get("level", ""),
                              request=request)

    @property
    def success_message(self):
        return _("The outcome is recorded. The unit's coordinators are being told by e-mail.")
