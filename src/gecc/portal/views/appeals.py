"""The coordinator's appeals: file one against the application's final decision (until the
deadline), read it (state, deadline, steps, attachments) and download its attachments.

The application is looked up in the coordinator's scope (another unit's is a 404); the
decision only once its meeting is closed (``Decision.objects.visible_to``). When an appeal
cannot be filed, the page says why instead of showing the form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gecc.decisions.domain.appeals import (
    appeal_deadline,
    file_appeal,
    filing_refusal,
    max_attachment_bytes,
    open_appeal,
)
from gecc.decisions.interfaces.appeals import AppealForm
from gecc.decisions.models import Appeal, Decision
from gecc.decisions.views.appeals import (
    appeal_context,
    get_appeal,
    get_attachment,
    serve_attachment,
)

from .base import PortalView, get_application


def size_text():
    from gecc.decisions.domain.appeals import _size_text

    return _size_text(max_attachment_bytes())


def final_decision(user, application):
    return (Decision.objects.visible_to(user).select_related("meeting")
            .filter(application=application).first())


class AppealCreateView(PortalView):
    template_name = "portal/appeal/create.html"

    def page(self, request, application, decision, form=None, problem="", status=200):
        refusal = filing_refusal(decision, request.user) if decision is not None else None
        return render(request, self.template_name, {
            "application": application, "decision": decision,
            "deadline": appeal_deadline(decision) if decision is not None else None,
            "refusal": refusal[1] if refusal else "",
            "open_appeal": open_appeal(decision) if decision is not None else None,
            "appeals": (list(Appeal.objects.filter(decision=decision).order_by("-filed_at"))
                        if decision is not None else []),
            "form": form if form is not None else AppealForm(
                application=application, max_size_text=size_text()),
            "problem": problem}, status=status)

    def get(self, request, pk):
        application = get_application(request.user, pk)
        return self.page(request, application, final_decision(request.user, application))

    def post(self, request, pk):
        application = get_application(request.user, pk)
        decision = final_decision(request.user, application)
        if decision is None:
            return self.page(request, application, None, status=409)
        form = AppealForm(request.POST, request.FILES, application=application,
                          max_size_text=size_text())
        if not form.is_valid():
            return self.page(request, application, decision, form, status=400)
        data = form.cleaned_data
        try:
            appeal = file_appeal(decision, request.user, reasons=data["reasons"],
                                 requested_level=data["requested_level"],
                                 files=data["files"], request=request)
        except ValidationError as exc:
            return self.page(request, application, decision, form, " ".join(exc.messages),
                             status=400)
        messages.success(request, _("Your appeal is filed. The secretariat will record its "
                                    "receipt; you will be told by e-mail at each step."))
        return redirect("portal:appeal.detail", pk=appeal.pk)


class AppealDetailView(PortalView):
    def get(self, request, pk):
        appeal = get_appeal(request.user, pk)
        return render(request, "portal/appeal/detail.html", appeal_context(appeal))


class AppealAttachmentView(PortalView):
    def get(self, request, pk):
        return serve_attachment(request, get_attachment(request.user, pk))
