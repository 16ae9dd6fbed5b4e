"""Certificates on the staff side: the list (search, filters, CSV export), one
certificate (its QR code, the verification link, its history), its PDF, and the bulk
generation of a round's certificates into one ZIP (a confirmation page, the progress page
polled by htmx, the download).

The secretariat and the steering committee read; the secretariat generates batches.
Everything goes through ``gecc.certificates.domain``."""

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.audit.domain import log_export
from gecc.certificates.domain.batch import (
    BUSY_STATES,
    batch_certificates,
    download_name,
    start_batch,
)
from gecc.certificates.domain.qr import qr_svg, verify_url
from gecc.certificates.domain.status import verify_status
from gecc.certificates.enums import BatchState, CertificateState
from gecc.certificates.models import Certificate, CertificateBatch
from gecc.certificates.views.lifecycle import lifecycle_actions
from gecc.common.csvexport import csv_response
from gecc.common.forms import ListFilterForm
from gecc.common.thaidate import format_be, format_be_stamp
from gecc.registry.domain.search import normalize_search_text
from gecc.rounds.models import Round

PAGE_SIZE = 50


class ReadMixin(AllowedUserRequiredMixin):
    """The secretariat and the steering committee (others signed in → 403)."""

    def allowed(self, user):
        return user.has_perm("certificates.view_certificate")


class GenerateMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("certificates.generate_batch")


class CertificateFilterForm(ListFilterForm):
    date_from = date_to = None  # no date range here
    q = forms.CharField(label=gettext_lazy("Certificate number or unit"), required=False,
                        max_length=200)
    round = forms.ModelChoiceField(label=gettext_lazy("Round"), required=False,
                                   queryset=Round.objects.none(),
                                   empty_label=gettext_lazy("All rounds"))
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.visible_to(user).order_by("-year")
        levels = (Certificate.objects.order_by("level_rank", "level")
                  .values_list("level", "level_name_th").distinct())
        seen, choices = set(), [("", _("All levels"))]
        for code, name in levels:
            if code not in seen:
                seen.add(code)
                choices.append((code, name))
        self.fields["level"].choices = choices
        self.fields["state"].choices = [("", _("All states")), *CertificateState.choices]

    def apply(self, queryset, data):
        text = (data.get("q") or "").strip()
        if text:
            normalized = normalize_search_text(text)
            condition = Q(number__icontains=text)
            if normalized:
                condition |= Q(unit__search_text__contains=normalized)
            queryset = queryset.filter(condition)
        if data.get("round"):
            queryset = queryset.filter(round=data["round"])
        if data.get("level"):
            queryset = queryset.filter(level=data["level"])
        if data.get("state"):
            queryset = queryset.filter(state=data["state"])
        return queryset


def filtered_certificates(request):
    form = CertificateFilterForm(request.GET or None, user=request.user)
    queryset = form.filter(Certificate.objects.visible_to(request.user))
    return form, queryset.select_related("unit", "organization", "round",
                                         "unit__province").order_by("-year", "sequence")


class CertificateListView(ReadMixin, ListView):
    template_name = "certificates/certificate/list.html"
    context_object_name = "certificates"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filter_form, queryset = filtered_certificates(self.request)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = [{"certificate": c, "status": verify_status(c, today)}
                for c in context["certificates"]]
        form = self.filter_form
        chosen_round = form.cleaned_data.get("round") if form.is_bound and form.is_valid() \
            else None
        context.update({
            "rows": rows, "filter_form": form, "chosen_round": chosen_round,
            "can_generate": self.request.user.has_perm("certificates.generate_batch"),
            "can_export": self.request.user.has_perm("certificates.export_certificates"),
            "rounds_with_certificates": (
                Round.objects.visible_to(self.request.user)
                .annotate(certificate_count=Count("certificates"))
                .filter(certificate_count__gt=0).order_by("-year")),
        })
        return context


EXPORT_HEADER = [
    gettext_lazy("Certificate number"), gettext_lazy("Round"), gettext_lazy("Unit code"),
    gettext_lazy("Service unit"), gettext_lazy("Organisation"), gettext_lazy("Province"),
    gettext_lazy("Level"), gettext_lazy("Valid from"), gettext_lazy("Valid until"),
    gettext_lazy("State"), gettext_lazy("Status today"), gettext_lazy("Verification address"),
]


class CertificateExportView(AllowedUserRequiredMixin, View):
    """The filtered list as CSV (audited ``certificate.exported``)."""

    def allowed(self, user):
        return user.has_perm("certificates.export_certificates")

    def get(self, request):
        _form, queryset = filtered_certificates(request)
        certificates = list(queryset)
        today = timezone.localdate()
        rows = [[c.number, c.year, c.unit.code, c.unit.name_th, c.organization.name_th,
                 c.unit.province.name_th if c.unit.province_id else "", c.level_name_th,
                 format_be(c.valid_from), format_be(c.valid_until), c.get_state_display(),
                 verify_status(c, today).label, verify_url(c.number, request)]
                for c in certificates]
        log_export("certificate.exported", request,
                   data={"format": "csv", "rows": len(rows)})
        return csv_response(f"certificates-{format_be_stamp(today)}.csv",
                            [str(label) for label in EXPORT_HEADER], rows)


def get_certificate(user, pk) -> Certificate:
    return get_object_or_404(
        Certificate.objects.visible_to(user).select_related(
            "unit", "unit__province", "organization", "round", "application", "decision",
            "decision__meeting", "renews", "issued_by", "state_changed_by"),
        pk=pk)


class CertificateDetailView(ReadMixin, View):
    template_name = "certificates/certificate/detail.html"

    def get(self, request, pk):
        certificate = get_certificate(request.user, pk)
        return render(request, self.template_name, {
            "certificate": certificate,
            "status": verify_status(certificate),
            "verify_url": verify_url(certificate.number, request),
            "qr_svg": qr_svg(certificate.number, request,
                             title=_("QR code of the verification address %(url)s")
                             % {"url": verify_url(certificate.number, request)}),
            "renewed_by": list(certificate.renewed_by.only("pk", "number")),
            "actions": lifecycle_actions(request.user, certificate),
        })


class CertificatePdfView(ReadMixin, View):
    def get(self, request, pk):
        from gecc.certificates.domain.pdf import certificate_filename, certificate_pdf
        from gecc.common.documents import DocumentRenderError, pdf_response

        certificate = get_certificate(request.user, pk)
        try:
            pdf = certificate_pdf(certificate, request=request)
        except DocumentRenderError:
            messages.error(request, _("The PDF could not be made just now. Try again in a "
                                      "moment; if it keeps failing, tell the system "
                                      "administrator."))
            return redirect(certificate)
        return pdf_response(pdf, certificate_filename(certificate))


class BatchCreateView(GenerateMixin, View):
    """GET: how many certificates the round's ZIP will hold, and the earlier batches;
    POST: start the generation and go to its progress page."""

    template_name = "certificates/batch/create.html"

    def get(self, request, round_pk):
        round_obj = get_object_or_404(Round.objects.visible_to(request.user), pk=round_pk)
        return render(request, self.template_name, {
            "round": round_obj, "count": batch_certificates(round_obj).count(),
            "batches": list(CertificateBatch.objects.filter(round=round_obj)
                            .select_related("requested_by")[:10]),
        })

    def post(self, request, round_pk):
        round_obj = get_object_or_404(Round.objects.visible_to(request.user), pk=round_pk)
        if not batch_certificates(round_obj).exists():
            messages.error(request, _("This round has no certificate to generate yet."))
            return redirect(reverse("certificates:batch.create", args=[round_obj.pk]))
        batch, started = start_batch(round_obj, request.user, request=request)
        if not started:
            messages.info(request, _("The certificates of this round are already being "
                                     "generated; this page shows the progress."))
        return redirect(batch)


class BatchDetailView(GenerateMixin, View):
    """The progress of one batch (htmx polls the status part every second while it runs),
    then the download link or the reason it failed."""

    def get(self, request, pk):
        batch = get_object_or_404(CertificateBatch.objects.select_related(
            "round", "requested_by"), pk=pk)
        percent = round(100 * batch.done / batch.total) if batch.total else (
            100 if batch.state == BatchState.DONE else 0)
        context = {"batch": batch, "round": batch.round, "percent": percent,
                   "busy": batch.state in BUSY_STATES}
        if request.htmx:
            return render(request, "certificates/batch/_status.html", context)
        return render(request, "certificates/batch/detail.html", context)


class BatchDownloadView(GenerateMixin, View):
    """The ZIP of a finished batch (audited ``certificate.batch_downloaded``)."""

    def get(self, request, pk):
        batch = get_object_or_404(CertificateBatch.objects.select_related("round"), pk=pk,
                                  state=BatchState.DONE)
        if not batch.file_name or not default_storage.exists(batch.file_name):
            raise Http404
        log_export("certificate.batch_downloaded", request, obj=batch,
                   data={"format": "zip", "rows": batch.total, "round": batch.round.year})
        return FileResponse(default_storage.open(batch.file_name, "rb"), as_attachment=True,
                            filename=download_name(batch), content_type="application/zip")
