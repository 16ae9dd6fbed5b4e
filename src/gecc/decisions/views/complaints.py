"""Complaints from the public on the staff side (the secretariat only): the list (filter by
state, search by reference or unit, pagination), a complaint's page with its history and a
link to suspend the unit's certificate over it, and the triage (under review / closed
without action), through a page that keeps what was typed."""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.decisions.domain.complaints import triage_complaint
from gecc.decisions.enums import OPEN_COMPLAINT_STATES
from gecc.decisions.interfaces.complaints import ComplaintFilterForm, TriageForm
from gecc.decisions.models import Complaint

PAGE_SIZE = 50


class SecretariatMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("decisions.view_complaint")


class ComplaintListView(SecretariatMixin, ListView):
    template_name = "decisions/complaint/list.html"
    context_object_name = "complaints"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filter_form = ComplaintFilterForm(self.request.GET or None)
        return (self.filter_form.filter(Complaint.objects.visible_to(self.request.user))
                .select_related("unit").order_by("-created_at", "-pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        return context


def get_complaint(user, pk) -> Complaint:
    return get_object_or_404(Complaint.objects.visible_to(user)
                             .select_related("unit", "unit__organization", "handled_by"),
                             pk=pk)


def unit_certificate(complaint):
    """The unit's newest certificate (the certificates app sits above this one: looked up
    by name), or ``None``."""
    try:
        model = apps.get_model("certificates", "Certificate")
    except LookupError:
        return None
    return model.objects.filter(unit=complaint.unit).order_by("-valid_until", "-pk").first()


def suspend_url(certificate, complaint) -> str:
    """The certificates app's suspend page for ``certificate`` over ``complaint``, or ""
    while that page does not exist."""
    if certificate is None:
        return ""
    try:
        url = reverse("certificates:certificate.suspend", args=[certificate.pk])
    except NoReverseMatch:
        return ""
    return f"{url}?complaint={complaint.pk}"


class ComplaintDetailView(SecretariatMixin, View):
    template_name = "decisions/complaint/detail.html"

    def get(self, request, pk):
        complaint = get_complaint(request.user, pk)
        certificate = unit_certificate(complaint)
        is_open = complaint.state in OPEN_COMPLAINT_STATES
        return render(request, self.template_name, {
            "complaint": complaint, "certificate": certificate, "is_open": is_open,
            "suspend_url": suspend_url(certificate, complaint) if is_open else ""})


class ComplaintTriageView(SecretariatMixin, View):
    template_name = "decisions/complaint/triage.html"

    def page(self, request, complaint, form, problem="", status=200):
        return render(request, self.template_name,
                      {"complaint": complaint, "form": form, "problem": problem},
                      status=status)

    def get(self, request, pk):
        complaint = get_complaint(request.user, pk)
        if complaint.state not in OPEN_COMPLAINT_STATES:
            return self.page(request, complaint, None, _(
                "This complaint is no longer open: it is “%(state)s”.")
                % {"state": complaint.get_state_display()})
        return self.page(request, complaint, TriageForm(complaint=complaint))

    def post(self, request, pk):
        complaint = get_complaint(request.user, pk)
        form = TriageForm(request.POST, complaint=complaint)
        if not form.is_valid():
            return self.page(request, complaint, form, status=400)
        try:
            triage_complaint(complaint, request.user, state=form.cleaned_data["state"],
                             note=form.cleaned_data["note"], request=request)
        except ValidationError as exc:
            return self.page(request, complaint, form, " ".join(exc.messages), status=409)
        messages.success(request, _("The complaint is updated."))
        return redirect(reverse("decisions:complaint.detail", args=[complaint.pk]))
