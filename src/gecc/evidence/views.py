"""Evidence screens: protected download, upload/replace/remove for one answer (htmx partial
or redirect back), and the version history of an answer's files.

Every view finds its object and then checks ``evidence.view_evidence`` (the file is in
``EvidenceFile.objects.visible_to(user)``: the files of the applications the user sees, never
for the steering committee): anyone else gets a 404, so nothing tells them the file exists.
Files are only ever served here, never from a media URL.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import View

from gecc.applications.domain.editing import (
    APPLICATIONS_CLOSED,
    CORRECTIONS_CLOSED,
    NOT_EDITABLE,
    edit_refusal,
)
from gecc.applications.models import Answer
from gecc.audit.domain import log_action
from gecc.evidence.domain.evidence import add_evidence, remove_evidence, replace_evidence
from gecc.evidence.domain.files import EvidenceRejected, download_name, max_bytes
from gecc.evidence.enums import EvidenceKind
from gecc.evidence.models import EvidenceFile

PARTIAL = "evidence/includes/answer_files.html"


def get_answer(user, answer_id):
    # get(), not first(): first() would order by the model's ordering, joining for nothing.
    try:
        answer = (Answer.objects.select_related("application__unit", "application__round",
                                                "item").get(pk=answer_id))
    except Answer.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("evidence.view_evidence", answer):
        raise Http404
    return answer


def get_evidence(user, public_id):
    try:
        evidence = (EvidenceFile.objects
                    .select_related("answer__application__unit", "answer__application__round",
                                    "answer__item", "uploaded_by")
                    .get(public_id=public_id))
    except EvidenceFile.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("evidence.view_evidence", evidence):
        raise Http404
    return evidence


def current_files(answer):
    return list(EvidenceFile.objects.current().filter(answer=answer)
                .select_related("uploaded_by").order_by("uploaded_at", "pk"))


def partial_context(request, answer, *, error=""):
    return {
        "answer": answer,
        "files": current_files(answer),
        "can_edit": request.user.has_perm("evidence.change_evidence", answer),
        "evidence_error": error,
        "next": safe_next(request) or (request.htmx.current_url_abs_path or ""
                                       if getattr(request, "htmx", None) else ""),
    }


def safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


class ApplicationNotEditable(PermissionDenied):
    """The application was sent (in another tab or on another device) since the page was
    loaded: the change is refused with a message, not a bare 403."""

    def __init__(self, answer, code=NOT_EDITABLE):
        super().__init__()
        self.answer = answer
        self.code = code


def not_editable_message(code=NOT_EDITABLE) -> str:
    if code == APPLICATIONS_CLOSED:
        return _("Applications are closed: the round no longer accepts applications, so the "
                 "evidence can no longer be changed and this file was not saved.")
    if code == CORRECTIONS_CLOSED:
        return _("The deadline for the corrections has passed, so the evidence can no longer "
                 "be changed and this file was not saved.")
    return _("This application was submitted in another tab or on another device, so its "
             "evidence can no longer be changed and this file was not saved. Reload the page "
             "to see what was sent.")


class EvidenceChangeMixin(LoginRequiredMixin):
    """POST-only changes that answer htmx with the refreshed partial and anything else with a
    redirect back (``next``) or to the answer's versions page."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ApplicationNotEditable as exc:
            return self.respond(request, exc.answer, error=not_editable_message(exc.code),
                                status=409)

    def respond(self, request, answer, *, error="", status=200):
        # An error comes back as 200 too: htmx swaps only successful responses, and the
        # message belongs in the partial's error area. An application sent elsewhere is a
        # 409: the self-assessment page swaps it in, other pages show its message
        # (data-error-message) through gecc/js/htmx-errors.js.
        if request.htmx:
            return render(request, PARTIAL, partial_context(request, answer, error=error),
                          status=status)
        if error:
            messages.error(request, error)
        return HttpResponseRedirect(
            safe_next(request)
            or reverse("evidence:file.versions", kwargs={"answer_id": answer.pk}))

    def ensure_can_change(self, request, answer):
        """The unit's coordinator while the application may change; the coordinator of an
        application that no longer may gets the reason (409); anyone else a 403 (staff who
        may read the file never change it)."""
        if not request.user.has_perm("evidence.change_evidence", answer):
            code = edit_refusal(answer.application)
            if code is not None and request.user.has_perm("applications.apply_for_unit",
                                                          answer.application.unit):
                raise ApplicationNotEditable(answer, code)
            raise PermissionDenied


# Shown in the page (``?inline=1``) instead of downloaded: pictures and PDFs only.
INLINE_KINDS = frozenset({EvidenceKind.PDF, EvidenceKind.JPEG, EvidenceKind.PNG})


class EvidenceFileDownloadView(LoginRequiredMixin, View):
    """The file itself; every download is recorded (``evidence.downloaded``: who, from where,
    which file and version). With ``?inline=1`` a picture or a PDF is served for a preview
    on this site's own pages (``Content-Disposition: inline``, framable by this origin
    only); any other type is still an attachment."""

    def get(self, request, public_id):
        evidence = get_evidence(request.user, public_id)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        inline = request.GET.get("inline") == "1" and evidence.kind in INLINE_KINDS
        data = {"file": evidence.original_name, "version": evidence.version,
                "sha256": evidence.sha256, "application": evidence.answer.application_id}
        if inline:
            data["inline"] = True
        log_action("evidence.downloaded", actor=request.user, obj=evidence, request=request,
                   data=data)
        response = FileResponse(handle, as_attachment=not inline,
                                filename=download_name(evidence.original_name, evidence.kind),
                                content_type=evidence.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        if not inline:
            response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        elif evidence.kind == EvidenceKind.PDF:
            # Chromium's PDF viewer does not run in a sandboxed document: no ``sandbox``
            # here, but nothing may load and only this site may frame it.
            response["Content-Security-Policy"] = ("default-src 'none'; "
                                                   "frame-ancestors 'self'")
            response["X-Frame-Options"] = "SAMEORIGIN"
        else:
            response["Content-Security-Policy"] = ("default-src 'none'; "
                                                   "frame-ancestors 'self'; sandbox")
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response


class EvidenceFileUploadView(EvidenceChangeMixin, View):
    def post(self, request, answer_id):
        answer = get_answer(request.user, answer_id)
        self.ensure_can_change(request, answer)
        uploaded = request.FILES.get("file")
        if uploaded is None:
            return self.respond(request, answer, error=_("Choose a file to upload."))
        try:
            add_evidence(answer, uploaded, request.user, request=request)
        except EvidenceRejected as exc:
            return self.respond(request, answer, error=str(exc))
        return self.respond(request, answer)


class EvidenceFileReplaceView(EvidenceChangeMixin, View):
    def post(self, request, public_id):
        evidence = get_evidence(request.user, public_id)
        self.ensure_can_change(request, evidence.answer)
        uploaded = request.FILES.get("file")
        if uploaded is None:
            return self.respond(request, evidence.answer,
                                error=_("Choose a file to upload."))
        try:
            replace_evidence(evidence, uploaded, request.user, request=request)
        except EvidenceRejected as exc:
            return self.respond(request, evidence.answer, error=str(exc))
        return self.respond(request, evidence.answer)


class EvidenceFileRemoveView(EvidenceChangeMixin, View):
    template_name = "evidence/evidence_file/remove.html"

    def get(self, request, public_id):
        evidence = get_evidence(request.user, public_id)
        self.ensure_can_change(request, evidence.answer)
        return render(request, self.template_name,
                      {"evidence": evidence, "answer": evidence.answer,
                       "next": safe_next(request),
                       "cancel_url": safe_next(request) or reverse(
                           "evidence:file.versions", kwargs={"answer_id": evidence.answer_id})})

    def post(self, request, public_id):
        evidence = get_evidence(request.user, public_id)
        self.ensure_can_change(request, evidence.answer)
        try:
            remove_evidence(evidence, request.user, request=request)
        except EvidenceRejected as exc:
            return self.respond(request, evidence.answer, error=str(exc))
        return self.respond(request, evidence.answer)


class EvidenceFileVersionsView(LoginRequiredMixin, View):
    template_name = "evidence/evidence_file/versions.html"

    def get(self, request, answer_id):
        answer = get_answer(request.user, answer_id)
        versions = list(EvidenceFile.objects.filter(answer=answer)
                        .select_related("uploaded_by", "removed_by", "replaces")
                        .order_by("-uploaded_at", "-pk"))
        context = partial_context(request, answer)
        context.update({"versions": versions, "max_mb": max_bytes() // (1024 * 1024)})
        return render(request, self.template_name, context)

