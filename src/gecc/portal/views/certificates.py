"""The unit's certificates in the portal: the list (every certificate of the coordinator's
own units, with its status today) and each certificate's PDF. Another unit's certificate is
a 404 (lookups start from ``Certificate.objects.visible_to(user)``)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.certificates.domain.qr import verify_url
from gecc.certificates.domain.status import verify_status
from gecc.certificates.models import Certificate

from .base import PortalView

PAGE_SIZE = 20


class CertificateListView(PortalView):
    template_name = "portal/certificate/list.html"

    def get(self, request):
        queryset = (Certificate.objects.visible_to(request.user)
                    .select_related("unit", "organization", "round")
                    .order_by("-year", "unit__name_th", "sequence"))
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        rows = [{"certificate": c, "status": verify_status(c, today),
                 "verify_url": verify_url(c.number, request)} for c in page.object_list]
        return render(request, self.template_name, {
            "rows": rows, "page_obj": page, "paginator": page.paginator,
            "is_paginated": page.has_other_pages()})


class CertificatePdfView(PortalView):
    def get(self, request, pk):
        from gecc.certificates.domain.pdf import certificate_filename, certificate_pdf
        from gecc.common.documents import DocumentRenderError, pdf_response

        certificate = (Certificate.objects.visible_to(request.user)
                       .select_related("unit", "organization", "renews").filter(pk=pk).first())
        if certificate is None or not request.user.has_perm(
                "certificates.view_own_certificate", certificate):
            raise Http404
        try:
            pdf = certificate_pdf(certificate, request=request)
        except DocumentRenderError:
            messages.error(request, _("The PDF could not be made just now. Try again in a "
                                      "moment."))
            return redirect(reverse("portal:certificate.list"))
        return pdf_response(pdf, certificate_filename(certificate))
