"""Import screens: upload → check of every row → preview (counts and first rows, or the error
table) → confirm → import.

The upload request only checks what the file's header tells (size, type, encoding, a header
and a data row; ``check_file``), keeps the file in an ``ImportJob`` (never in the session)
in the ``validating`` state and starts ``gecc.registry.tasks.validate_file_task``, which checks
every row and stores the preview on the job: at once for files of at most
``REGISTRY_IMPORT_BACKGROUND_ROWS`` rows, in the background (Celery) for larger ones. The
detail page polls with htmx while the job is busy, then shows the stored preview; neither it,
the confirmation nor the error report reads the file again. Confirming makes the job
``pending`` and runs ``gecc.registry.tasks.import_file_task`` (at once or in the background,
by the same threshold), which checks the rows again and writes them all or nothing."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import View

from gecc.audit.domain import client_ip, log_export
from gecc.registry.enums import (
    BUSY_IMPORT_STATES,
    FINISHED_IMPORT_STATES,
    ImportKind,
    ImportStatus,
)
from gecc.registry.interfaces.exporters import build_template
from gecc.registry.interfaces.formats import column_label
from gecc.registry.interfaces.forms import ImportUploadForm
from gecc.registry.interfaces.importers import check_file, errors_from_dicts, write_error_report
from gecc.registry.models import ImportJob
from gecc.registry.tasks import (
    import_file_task,
    start_import,
    start_validation,
    validate_file_task,
)
from gecc.registry.views.base import RegistryAccessMixin
from gecc.registry.views.units import EXPORT_FORMATS

DEFAULT_BACKGROUND_ROWS = 2000
ERRORS_SHOWN = 500


def background_rows():
    return int(getattr(settings, "REGISTRY_IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS))


def workers_unreachable_message():
    return _("The background workers cannot be reached just now. The file is kept and will "
             "be processed automatically when they are back; this page shows its progress.")


class ImportPermissionMixin(RegistryAccessMixin):
    def allowed(self, user):
        return user.has_perm("registry.import")


def get_job(user, pk):
    return get_object_or_404(ImportJob.objects.visible_to(user).select_related("created_by"),
                             pk=pk)


def awaiting_confirmation(job):
    return job.status == ImportStatus.AWAITING_CONFIRMATION


class ImportCreateView(ImportPermissionMixin, View):
    template_name = "registry/import/create.html"

    def context(self, form):
        return {"form": form, "kinds": ImportKind.choices,
                "recent_jobs": ImportJob.objects.visible_to(self.request.user)
                .select_related("created_by")[:10]}

    def get(self, request):
        form = ImportUploadForm(initial={"kind": request.GET.get("kind", ImportKind.UNITS)})
        return render(request, self.template_name, self.context(form))

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            check = check_file(upload, form.cleaned_data["kind"])
            if not check.is_valid:
                for error in check.errors:
                    form.add_error("file", error.message)
            else:
                upload.seek(0)
                job = ImportJob.objects.create(
                    file=upload, original_name=upload.name[:255],
                    kind=form.cleaned_data["kind"], created_by=request.user,
                    status=ImportStatus.VALIDATING, client_ip=client_ip(request))
                if check.estimated_rows > background_rows():
                    if not start_validation(job, get_language()):
                        messages.warning(request, workers_unreachable_message())
                else:
                    validate_file_task(job.pk, get_language())
                return redirect("registry:import.detail", pk=job.pk)
        return render(request, self.template_name, self.context(form), status=400)


DEFAULT_STALL_SECONDS = 120


def stalled(job) -> bool:
    """A check that no worker has started after ``REGISTRY_IMPORT_STALL_SECONDS``: the
    background workers may be down, so the page offers to check the file itself."""
    seconds = int(getattr(settings, "REGISTRY_IMPORT_STALL_SECONDS", DEFAULT_STALL_SECONDS))
    return (job.status == ImportStatus.VALIDATING and job.progress == 0
            and timezone.now() - job.created_at > datetime.timedelta(seconds=seconds))


class ImportCheckNowView(ImportPermissionMixin, View):
    """Check a stalled job's rows in this request (the task acts only on a job that is still
    being checked, so a worker that wakes up later changes nothing)."""

    def post(self, request, pk):
        job = get_job(request.user, pk)
        if stalled(job):
            validate_file_task(job.pk, get_language())
        return redirect("registry:import.detail", pk=job.pk)


class ImportDetailView(ImportPermissionMixin, View):
    """The progress while the file is checked, then the stored preview (or error table) while
    the job awaits confirmation, then the import's progress, then its result."""

    template_name = "registry/import/detail.html"

    def get(self, request, pk):
        job = get_job(request.user, pk)
        context = {"job": job, "finished": job.status in FINISHED_IMPORT_STATES,
                   "busy": job.status in BUSY_IMPORT_STATES, "stalled": stalled(job),
                   "awaiting": awaiting_confirmation(job), "errors_shown": ERRORS_SHOWN,
                   "job_errors": errors_from_dicts(job.errors[:ERRORS_SHOWN])}
        if context["awaiting"]:
            context["error_count"] = len(job.errors)
            context["shown_errors"] = context["job_errors"]
            if not job.errors:
                context["row_count"] = job.row_count
                context["to_create"] = job.to_create_count
                context["to_update"] = job.to_update_count
                context["columns"] = [column_label(column)
                                      for column in job.preview.get("columns", [])]
                context["rows"] = job.preview.get("rows", [])
                context["background"] = job.row_count > background_rows()
        if request.htmx:
            return render(request, "registry/import/_status.html", context)
        return render(request, self.template_name, context)


class ImportConfirmView(ImportPermissionMixin, View):
    def post(self, request, pk):
        job = get_job(request.user, pk)
        if not awaiting_confirmation(job):
            return redirect("registry:import.detail", pk=job.pk)
        if job.errors:
            messages.error(request, _("The file has errors; nothing was imported."))
            return redirect("registry:import.detail", pk=job.pk)
        # Claim the job once, so a double click cannot run it twice.
        claimed = ImportJob.objects.filter(
            pk=job.pk, status=ImportStatus.AWAITING_CONFIRMATION,
        ).update(status=ImportStatus.PENDING)
        if claimed:
            if job.row_count > background_rows():
                if not start_import(job):
                    messages.warning(request, workers_unreachable_message())
            else:
                import_file_task(job.pk)
        return redirect("registry:import.detail", pk=job.pk)


class ImportErrorReportView(ImportPermissionMixin, View):
    """The errors kept on the job (from the check of every row, or from the import)."""

    def get(self, request, pk, fmt):
        if fmt not in EXPORT_FORMATS:
            raise Http404
        job = get_job(request.user, pk)
        response = HttpResponse(write_error_report(errors_from_dicts(job.errors), fmt),
                                content_type=EXPORT_FORMATS[fmt])
        log_export("registry.import_errors_exported", request, obj=job,
                   data={"format": fmt, "rows": len(job.errors)})
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.{fmt}"'
        return response


class ImportTemplateView(ImportPermissionMixin, View):
    def get(self, request, kind, fmt):
        if fmt not in EXPORT_FORMATS or kind not in ImportKind.values:
            raise Http404
        response = HttpResponse(build_template(kind, fmt), content_type=EXPORT_FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
        return response
