"""Suspend, reinstate and withdraw a certificate (the secretariat only).

Each page is in two steps: the form (a required reason; for a suspension or a withdrawal,
optionally the open public complaint about the unit that led to it, preselected with
``?complaint=<pk>`` from the complaint's page), then a confirmation page that repeats what
will happen and who is told; only the confirmed POST calls the domain function
(``gecc.certificates.domain.lifecycle``). When the certificate's state does not allow the
action, the page says why instead of showing the form. A certificate outside the user's
scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy
from django.views import View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.certificates.domain import lifecycle
from gecc.certificates.domain.status import verify_status
from gecc.certificates.interfaces.lifecycle import StateChangeForm
from gecc.certificates.models import Certificate


def get_certificate(user, pk) -> Certificate:
    return get_object_or_404(
        Certificate.objects.visible_to(user).select_related("unit", "organization", "round"),
        pk=pk)


def certificate_url(certificate) -> str:
    try:
        return certificate.get_absolute_url()
    except NoReverseMatch:  # the certificate pages are not mounted
        return ""


def open_complaints(certificate):
    from gecc.decisions.enums import OPEN_COMPLAINT_STATES
    from gecc.decisions.models import Complaint

    return (Complaint.objects.filter(unit_id=certificate.unit_id,
                                     state__in=OPEN_COMPLAINT_STATES)
            .order_by("-created_at", "-pk"))


def add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None,
                           [message for error in errors for message in error.messages])
    else:
        form.add_error(None, exc.messages)


class CertificateStateChangeView(AllowedUserRequiredMixin, View):
    """GET: the form (or why the action cannot be done); POST: the confirmation page; POST
    with ``confirmed``: the change, then back to the certificate."""

    permission = ""
    form_template = "certificates/lifecycle/form.html"
    confirm_template = "certificates/lifecycle/confirm.html"
    takes_complaint = False
    # Wording, per action.
    title = ""
    explanation = ""
    button = ""
    done = ""
    danger = True

    def allowed(self, user):
        return user.has_perm(self.permission)

    def refusal(self, certificate):
        raise NotImplementedError

    def perform(self, certificate, user, *, reason, complaint, request):
        raise NotImplementedError

    def complaints(self, certificate):
        return open_complaints(certificate) if self.takes_complaint else None

    def context(self, certificate, **extra):
        return {"certificate": certificate, "status": verify_status(certificate),
                "recipients": lifecycle.coordinator_emails(certificate),
                "certificate_url": certificate_url(certificate),
                "title": self.title, "explanation": self.explanation,
                "button": self.button, "danger": self.danger, **extra}

    def render_form(self, request, certificate, form, status=200, problem=""):
        return render(request, self.form_template,
                      self.context(certificate, form=form, problem=problem), status=status)

    def get(self, request, pk):
        certificate = get_certificate(request.user, pk)
        refusal = self.refusal(certificate)
        if refusal:
            return self.render_form(request, certificate, None, problem=refusal[1])
        initial = {}
        complaints = self.complaints(certificate)
        wanted = request.GET.get("complaint", "")
        if complaints is not None and wanted.isdigit():
            initial["complaint"] = complaints.filter(pk=int(wanted)).first()
        form = StateChangeForm(initial=initial, complaints=complaints)
        return self.render_form(request, certificate, form)

    def post(self, request, pk):
        certificate = get_certificate(request.user, pk)
        refusal = self.refusal(certificate)
        if refusal:
            return self.render_form(request, certificate, None, status=409,
                                    problem=refusal[1])
        form = StateChangeForm(request.POST, complaints=self.complaints(certificate))
        if not form.is_valid():
            return self.render_form(request, certificate, form, status=400)
        if "confirmed" not in request.POST or "back" in request.POST:
            if "back" in request.POST:  # "change the reason": the form, as typed
                return self.render_form(request, certificate, form)
            return render(request, self.confirm_template,
                          self.context(certificate, form=form,
                                       reason=form.cleaned_data["reason"],
                                       complaint=form.cleaned_data.get("complaint")))
        try:
            self.perform(certificate, request.user, reason=form.cleaned_data["reason"],
                         complaint=form.cleaned_data.get("complaint"), request=request)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.render_form(request, certificate, form, status=409)
        messages.success(request, self.done)
        return redirect(certificate_url(certificate) or request.path)


class CertificateSuspendView(CertificateStateChangeView):
    permission = "certificates.suspend_certificate"
    takes_complaint = True
    title = gettext_lazy("Suspend the certificate")
    explanation = gettext_lazy(
        "While suspended, the public verification page says the certificate is suspended. "
        "The secretariat can reinstate it later, as long as it is still within its "
        "validity.")
    button = gettext_lazy("Suspend the certificate")
    done = gettext_lazy("The certificate is suspended. The unit's coordinators are being "
                        "told by e-mail.")

    def refusal(self, certificate):
        return lifecycle.suspend_refusal(certificate)

    def perform(self, certificate, user, *, reason, complaint, request):
        lifecycle.suspend_certificate(certificate, user, reason=reason, complaint=complaint,
                                      request=request)


class CertificateReinstateView(CertificateStateChangeView):
    permission = "certificates.reinstate_certificate"
    title = gettext_lazy("Reinstate the certificate")
    explanation = gettext_lazy(
        "The suspension ends: the certificate is valid again until the end of its validity, "
        "and the public verification page says so.")
    button = gettext_lazy("Reinstate the certificate")
    done = gettext_lazy("The certificate is valid again. The unit's coordinators are being "
                        "told by e-mail.")
    danger = False

    def refusal(self, certificate):
        return lifecycle.reinstate_refusal(certificate)

    def perform(self, certificate, user, *, reason, complaint, request):
        lifecycle.reinstate_certificate(certificate, user, reason=reason, request=request)


class CertificateWithdrawView(CertificateStateChangeView):
    permission = "certificates.withdraw_certificate"
    takes_complaint = True
    title = gettext_lazy("Withdraw the certificate")
    explanation = gettext_lazy(
        "Withdrawal is final: it cannot be undone. The public verification page says the "
        "certificate is withdrawn, and it no longer counts for a renewal.")
    button = gettext_lazy("Withdraw for good")
    done = gettext_lazy("The certificate is withdrawn. The unit's coordinators are being told "
                        "by e-mail.")

    def refusal(self, certificate):
        return lifecycle.withdraw_refusal(certificate)

    def perform(self, certificate, user, *, reason, complaint, request):
        lifecycle.withdraw_certificate(certificate, user, reason=reason, complaint=complaint,
                                       request=request)


def lifecycle_actions(user, certificate) -> list[dict]:
    """The lifecycle actions ``user`` may take on ``certificate`` now, for the certificate's
    page: ``{"url", "label", "danger"}`` each, shown by
    ``certificates/lifecycle/_actions.html``."""
    actions = []
    for name, view in (("certificate.suspend", CertificateSuspendView),
                       ("certificate.reinstate", CertificateReinstateView),
                       ("certificate.withdraw", CertificateWithdrawView)):
        if user.has_perm(view.permission) and view().refusal(certificate) is None:
            actions.append({"url": reverse(f"certificates:{name}", args=[certificate.pk]),
                            "label": str(view.title), "danger": view.danger})
    return actions
