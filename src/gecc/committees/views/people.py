"""The assessor pool: list with search and filters, create/edit, import and export; plus the
look-ups that suggest registry organisations and units as one types (htmx)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.accounts.rules import is_assessor, is_secretariat
from gecc.audit.domain import log_export
from gecc.committees.domain.profiles import create_profile, ensure_assessor_user, update_profile
from gecc.committees.interfaces.forms import (
    LOOKUP_LIMIT,
    AssessorFilterForm,
    AssessorProfileForm,
    PoolImportForm,
)
from gecc.committees.interfaces.pool_export import EXPORT_FORMATS, export_pool
from gecc.committees.interfaces.pool_import import (
    ALIASES,
    POOL_COLUMNS,
    REQUIRED_COLUMNS,
    import_pool,
)
from gecc.committees.models import AssessorProfile
from gecc.common.thaidate import format_be_stamp
from gecc.registry.domain.search import search_organizations, search_units
from gecc.registry.models import Organization, ServiceUnit

PAGE_SIZE = 50
# Domain field → form field, for a domain refusal shown on the form.
FORM_FIELD = {"affiliation": "affiliation_code"}


class PermissionMixin(AllowedUserRequiredMixin):
    """Signed-in users only (anonymous → sign-in page); then ``permission`` (403 without)."""

    permission = "committees.manage_pool"

    def allowed(self, user):
        return user.has_perm(self.permission)


def add_domain_errors(form, exc: ValidationError):
    """A domain ``ValidationError`` shown on ``form``: by field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            name = FORM_FIELD.get(name, name)
            form.add_error(name if name in form.fields else None,
                           [message for error in errors for message in error.messages])
    else:
        form.add_error(None, exc.messages)


def expertise_tags():
    tags = set()
    for values in AssessorProfile.objects.values_list("expertise", flat=True):
        tags.update(str(value) for value in values or [])
    return sorted(tags, key=str.casefold)


def filtered_pool(request):
    form = AssessorFilterForm(request.GET or None, expertise_tags=expertise_tags())
    queryset = form.filter(AssessorProfile.objects.visible_to(request.user))
    return form, queryset


class AssessorListView(PermissionMixin, ListView):
    template_name = "committees/assessor/list.html"
    context_object_name = "profiles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filter_form, queryset = filtered_pool(self.request)
        return queryset.select_related("user", "affiliation", "home_province").order_by(
            "user__full_name", "user__email", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        return context


class AssessorExportView(PermissionMixin, View):
    """The filtered pool as the import's XLSX or CSV file."""

    def get(self, request):
        fmt = request.GET.get("fmt", "xlsx")
        if fmt not in EXPORT_FORMATS:
            raise Http404
        _form, queryset = filtered_pool(request)
        content = export_pool(queryset, fmt)
        log_export("assessors.exported", request,
                   data={"format": fmt, "rows": queryset.count()})
        name = f"assessor-pool-{format_be_stamp(timezone.localdate())}.{fmt}"
        response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def profile_form(request, data=None, profile=None):
    return AssessorProfileForm(data, profile=profile,
                               lookup_url=reverse("committees:lookup.organizations"))


class AssessorCreateView(PermissionMixin, View):
    template_name = "committees/assessor/form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": profile_form(request),
                                                    "profile": None})

    def post(self, request):
        form = profile_form(request, request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    user = form.cleaned_data.get("user")
                    created = False
                    if user is None:
                        user, created, _granted = ensure_assessor_user(
                            form.cleaned_data["email"], form.cleaned_data.get("full_name", ""),
                            actor=request.user, request=request)
                    create_profile(user, actor=request.user, request=request,
                                   audit_data={"new_account": created},
                                   **form.profile_values())
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("%(person)s was added to the assessor pool.")
                                 % {"person": user.full_name or user.email})
                return redirect("committees:assessor.list")
        return render(request, self.template_name, {"form": form, "profile": None},
                      status=400)


class AssessorEditView(PermissionMixin, View):
    template_name = "committees/assessor/form.html"

    def get_profile(self, pk):
        return get_object_or_404(AssessorProfile.objects.visible_to(self.request.user)
                                 .select_related("user", "affiliation", "home_province"),
                                 pk=pk)

    def get(self, request, pk):
        profile = self.get_profile(pk)
        return render(request, self.template_name,
                      {"form": profile_form(request, profile=profile), "profile": profile})

    def post(self, request, pk):
        profile = self.get_profile(pk)
        form = profile_form(request, request.POST, profile=profile)
        if form.is_valid():
            try:
                update_profile(profile, actor=request.user, request=request,
                               **form.profile_values())
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("committees:assessor.list")
        return render(request, self.template_name, {"form": form, "profile": profile},
                      status=400)


def column_rows():
    """The import's columns with their Thai headers, for the import page."""
    thai = {}
    for title, column in ALIASES.items():
        thai.setdefault(column, []).append(title)
    return [(column, column in REQUIRED_COLUMNS, ", ".join(thai.get(column, [])))
            for column in POOL_COLUMNS]


class AssessorImportView(PermissionMixin, View):
    """Upload a pool file: every row is checked; one bad row imports nothing and the page
    lists each error (row, column, reason); "only check" writes nothing at all."""

    template_name = "committees/assessor/import.html"

    def context(self, form, **extra):
        return {"form": form, "columns": column_rows(), **extra}

    def get(self, request):
        return render(request, self.template_name, self.context(PoolImportForm()))

    def post(self, request):
        form = PoolImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form), status=400)
        preview, result = import_pool(form.cleaned_data["file"], request.user, request=request,
                                      check_only=form.cleaned_data["check_only"])
        if not preview.is_valid:
            return render(request, self.template_name,
                          self.context(form, errors=preview.errors), status=400)
        if result is None:
            return render(request, self.template_name, self.context(
                PoolImportForm(), checked=len(preview.rows)))
        messages.success(request, _(
            "The pool file was imported: %(created)s added, %(updated)s updated, "
            "%(unchanged)s unchanged (%(accounts)s new accounts).") % {
            "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "accounts": result.accounts_created})
        return redirect("committees:assessor.list")


# -- look-ups for the forms (htmx) --------------------------------------------------------------

class LookupMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return is_secretariat(user) or is_assessor(user)


def lookup_text(request) -> str:
    for name in ("q", "affiliation_code", "organization", "unit"):
        if request.GET.get(name):
            return request.GET[name].strip()
    return ""


class OrganizationLookupView(LookupMixin, View):
    """``<option>``s of the active organisations matching the typed text."""

    def get(self, request):
        text = lookup_text(request)
        options = []
        if text:
            found = search_organizations(
                Organization.objects.visible_to(request.user).filter(is_active=True), text)
            options = [(f"{org.name_th} ({org.code})", org.code) for org in
                       found.only("code", "name_th").order_by("name_th")[:LOOKUP_LIMIT]]
        return render(request, "committees/assessor/_options.html", {"options": options})


class UnitLookupView(LookupMixin, View):
    """``<option>``s of the active service units matching the typed text."""

    def get(self, request):
        text = lookup_text(request)
        options = []
        if text:
            found = search_units(
                ServiceUnit.objects.visible_to(request.user).filter(is_active=True), text)
            options = [(f"{unit.name_th} ({unit.code})", unit.code) for unit in
                       found.only("code", "name_th").order_by("code")[:LOOKUP_LIMIT]]
        return render(request, "committees/assessor/_options.html", {"options": options})
