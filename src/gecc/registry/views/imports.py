"""Import screens: upload → preview (counts and first rows, or the error table) → confirm.

The uploaded file is kept in an ``ImportJob`` between preview and confirmation (never in the
session). A job waiting for confirmation is ``awaiting_confirmation``; confirming makes it
``pending`` and runs ``gecc.registry.tasks.import_file_task`` at once for small files or in
the background (Celery) for files with more than ``REGISTRY_IMPORT_BACKGROUND_ROWS`` rows;
the detail page then polls for progress with htmx until the job has finished."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from gecc.registry.enums import FINISHED_IMPORT_STATES, ImportKind, ImportStatus
from gecc.registry.interfaces.exporters import build_template
from gecc.registry.interfaces.formats import COLUMNS
from gecc.registry.interfaces.forms import ImportUploadForm
from gecc.registry.interfaces.importers import RowError, parse_and_validate, write_error_report
from gecc.registry.models import ImportJob, Organization, ServiceUnit
from gecc.registry.tasks import import_file_task, start_import
from gecc.registry.views.base import RegistryAccessMixin
from gecc.registry.views.units import EXPORT_FORMATS

DEFAULT_BACKGROUND_ROWS = 2000
PREVIEW_ROWS = 20
ERRORS_SHOWN = 500


def background_rows():
    return int(getattr(settings, "REGISTRY_IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS))


class ImportPermissionMixin(RegistryAccessMixin):
    def allowed(self, user):
        return user.has_perm("registry.import")


def get_job(user, pk):
    return get_object_or_404(ImportJob.objects.visible_to(user).select_related("created_by"),
                             pk=pk)


def awaiting_confirmation(job):
    return job.status == ImportStatus.AWAITING_CONFIRMATION


def read_preview(job):
    with job.file.open("rb") as handle:
        preview = parse_and_validate(handle, job.kind)
    preview.file_name = job.original_name or job.file.name
    return preview


def existing_codes(kind, codes):
    model = Organization if kind == ImportKind.ORGANIZATIONS else ServiceUnit
    found = 0
    for start in range(0, len(codes), 5000):
        found += model.objects.filter(code__in=codes[start:start + 5000]).count()
    return found


def preview_table(preview):
    """Header and the first rows of a valid preview, in the file's column names."""
    key_of = {"organization_code": "code", "unit_code": "code"}
    columns = [c for c in COLUMNS[ImportKind(preview.kind)] if c in preview.present]
    rows = [[row.get("_row")] + ["" if row.get(key_of.get(c, c)) is None
                                 else row.get(key_of.get(c, c)) for c in columns]
            for row in preview.rows[:PREVIEW_ROWS]]
    return columns, rows


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
            preview = parse_and_validate(upload, form.cleaned_data["kind"])
            file_errors = [e for e in preview.errors if e.row is None]
            if file_errors:
                for error in file_errors:
                    form.add_error("file", error.message)
            else:
                upload.seek(0)
                job = ImportJob.objects.create(
                    file=upload, original_name=upload.name[:255],
                    kind=form.cleaned_data["kind"], created_by=request.user,
                    status=ImportStatus.AWAITING_CONFIRMATION)
                return redirect("registry:import.detail", pk=job.pk)
        return render(request, self.template_name, self.context(form), status=400)


class ImportDetailView(ImportPermissionMixin, View):
    """The preview while the job awaits confirmation, then its progress, then its result."""

    template_name = "registry/import/detail.html"

    def get(self, request, pk):
        job = get_job(request.user, pk)
        context = {"job": job, "finished": job.status in FINISHED_IMPORT_STATES,
                   "awaiting": awaiting_confirmation(job), "errors_shown": ERRORS_SHOWN}
        if context["finished"] or not context["awaiting"]:
            context["job_errors"] = job.errors[:ERRORS_SHOWN]
            if request.htmx:
                return render(request, "registry/import/_status.html", context)
            return render(request, self.template_name, context)
        preview = read_preview(job)
        context["preview"] = preview
        context["row_count"] = len(preview.rows)
        context["shown_errors"] = preview.errors[:ERRORS_SHOWN]
        if preview.is_valid:
            codes = [row["code"] for row in preview.rows]
            existing = existing_codes(job.kind, codes)
            context["to_create"] = len(codes) - existing
            context["to_update"] = existing
            context["columns"], context["rows"] = preview_table(preview)
            context["background"] = len(codes) > background_rows()
        return render(request, self.template_name, context)


class ImportConfirmView(ImportPermissionMixin, View):
    def post(self, request, pk):
        job = get_job(request.user, pk)
        if not awaiting_confirmation(job):
            return redirect("registry:import.detail", pk=job.pk)
        preview = read_preview(job)
        if not preview.is_valid:
            messages.error(request, _("The file has errors; nothing was imported."))
            return redirect("registry:import.detail", pk=job.pk)
        # Claim the job once, so a double click cannot run it twice.
        claimed = ImportJob.objects.filter(
            pk=job.pk, status=ImportStatus.AWAITING_CONFIRMATION,
        ).update(status=ImportStatus.PENDING)
        if claimed:
            if len(preview.rows) > background_rows():
                start_import(job)
            else:
                import_file_task(job.pk)
        return redirect("registry:import.detail", pk=job.pk)


class ImportErrorReportView(ImportPermissionMixin, View):
    def get(self, request, pk, fmt):
        if fmt not in EXPORT_FORMATS:
            raise Http404
        job = get_job(request.user, pk)
        if job.errors:
            errors = [RowError(e.get("row"), e.get("column", ""), e.get("message", ""),
                               e.get("value", "")) for e in job.errors]
        else:
            errors = read_preview(job).errors
        response = HttpResponse(write_error_report(errors, fmt),
                                content_type=EXPORT_FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.{fmt}"'
        return response


class ImportTemplateView(ImportPermissionMixin, View):
    def get(self, request, kind, fmt):
        if fmt not in EXPORT_FORMATS or kind not in ImportKind.values:
            raise Http404
        response = HttpResponse(build_template(kind, fmt), content_type=EXPORT_FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
        return response
