"""Service-unit screens: list with search and filters, detail, create/edit, deactivate,
export, and the htmx endpoint feeding the province → district → subdistrict selects."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from gecc.accounts.rules import is_coordinator, is_secretariat
from gecc.audit.domain import log_action, log_export
from gecc.common.csvexport import CONTENT_TYPE as CSV_CONTENT_TYPE
from gecc.common.thaidate import format_be_stamp
from gecc.registry.domain.units import RegistryError, deactivate_unit, reactivate_unit
from gecc.registry.enums import ImportKind
from gecc.registry.interfaces.exporters import export_file
from gecc.registry.interfaces.forms import (
    ServiceUnitForm,
    UnitFilterForm,
    district_options,
    subdistrict_options,
)
from gecc.registry.models import Organization, ServiceUnit
from gecc.registry.views.base import (
    ORDERINGS,
    RegistryAccessMixin,
    SecretariatOnlyMixin,
    changed_fields,
    snapshot,
)

PAGE_SIZE = 50
# Fields whose changes unit.created / unit.updated record.
AUDITED_UNIT_FIELDS = ["code", "organization", "name_th", "name_en", "unit_type", "address",
                       "province", "district", "subdistrict", "postcode", "latitude",
                       "longitude", "phone", "email", "opening_hours", "services"]
EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": CSV_CONTENT_TYPE,
}


def visible_units(user):
    return ServiceUnit.objects.visible_to(user)


def get_visible_unit(user, code):
    """The unit, or 404 when it does not exist or the user may not see it (a coordinator
    must not learn that another unit exists)."""
    return get_object_or_404(
        visible_units(user).select_related("organization", "province", "district",
                                           "subdistrict"),
        code=code)


@transaction.atomic
def save_unit_with_audit(form, *, actor, request=None):
    """Save a unit form and log ``unit.created`` or ``unit.updated`` with the before/after
    values of the fields that changed (no entry when nothing changed)."""
    unit = form.instance
    creating = unit.pk is None
    before = {} if creating else snapshot(
        ServiceUnit.objects.get(pk=unit.pk), AUDITED_UNIT_FIELDS)
    unit = form.save()
    after = snapshot(unit, AUDITED_UNIT_FIELDS)
    if creating:
        log_action("unit.created", actor=actor, obj=unit, after=after, request=request)
    else:
        old, new = changed_fields(before, after)
        if new:
            log_action("unit.updated", actor=actor, obj=unit, before=old, after=new,
                       request=request)
    return unit


def filtered_units(request):
    """The user's visible units narrowed by the list's filters; returns (form, queryset)."""
    user = request.user
    organizations = Organization.objects.visible_to(user)
    form = UnitFilterForm(request.GET or None, organizations=organizations)
    return form, form.filter(visible_units(user))


def sort_key(request):
    sort = request.GET.get("sort", "code")
    if sort.lstrip("-") not in ORDERINGS:
        sort = "code"
    return sort


def order_units(queryset, sort):
    fields = ORDERINGS[sort.lstrip("-")]
    if sort.startswith("-"):
        fields = tuple(f"-{name}" for name in fields)
    return queryset.order_by(*fields)


class ServiceUnitListView(RegistryAccessMixin, ListView):
    template_name = "registry/unit/list.html"
    context_object_name = "units"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filter_form, queryset = filtered_units(self.request)
        self.sort = sort_key(self.request)
        return order_units(queryset, self.sort).select_related(
            "organization", "province", "district", "subdistrict")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if self.filter_form.value("q") and not context["paginator"].count:
            context.update(self.similar_page())
        context.update({
            "filter_form": self.filter_form,
            "sort": self.sort,
            "columns": [("code", _("Code")), ("name", _("Thai name")),
                        ("province", _("Province"))],
            "can_create": is_secretariat(user),
            "can_export": user.has_perm("registry.export") or is_coordinator(user),
            "can_import": user.has_perm("registry.import"),
        })
        return context


    def similar_page(self):
        """Nothing contains the search text: list the units closest to it, the most similar
        first, one page of them (no count of all the near matches: that would score every
        row twice)."""
        queryset = self.filter_form.filter(visible_units(self.request.user), similar=True)
        units = list(queryset.select_related("organization", "province", "district",
                                             "subdistrict")[:PAGE_SIZE])
        paginator = Paginator(units, PAGE_SIZE)
        return {"paginator": paginator, "page_obj": paginator.page(1), "is_paginated": False,
                "units": units, "object_list": units, "similar_results": True}


class ServiceUnitExportView(RegistryAccessMixin, View):
    """The filtered list as the import's XLSX or CSV file."""

    def allowed(self, user):
        return user.has_perm("registry.export") or is_coordinator(user)

    def get(self, request):
        fmt = request.GET.get("fmt", "xlsx")
        if fmt not in EXPORT_FORMATS:
            raise Http404
        _form, queryset = filtered_units(request)
        content = export_file(ImportKind.UNITS, queryset, fmt)
        log_export("registry.exported", request,
                   data={"kind": ImportKind.UNITS.value, "format": fmt,
                         "rows": queryset.count()})
        name = f"service-units-{format_be_stamp(timezone.localdate())}.{fmt}"
        response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ServiceUnitDetailView(RegistryAccessMixin, TemplateView):
    template_name = "registry/unit/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        unit = get_visible_unit(user, kwargs["code"])
        context.update({
            "unit": unit,
            "coordinators": list(unit.coordinators.order_by("email")),
            "can_edit": user.has_perm("registry.change_unit", unit),
            "can_deactivate": user.has_perm("registry.deactivate_unit", unit),
            "can_manage_coordinators": is_secretariat(user),
            "show_history": user.is_staff_member,
        })
        return context


class ServiceUnitCreateView(SecretariatOnlyMixin, View):
    template_name = "registry/unit/form.html"

    def get(self, request):
        form = ServiceUnitForm(initial={"organization": request.GET.get("organization")})
        return render(request, self.template_name, {"form": form, "unit": None})

    def post(self, request):
        form = ServiceUnitForm(request.POST)
        if form.is_valid():
            unit = save_unit_with_audit(form, actor=request.user, request=request)
            messages.success(request, _("Service unit %(name)s was created.")
                             % {"name": unit.name_th})
            return redirect("registry:unit.detail", code=unit.code)
        return render(request, self.template_name, {"form": form, "unit": None})


class ServiceUnitUpdateView(RegistryAccessMixin, View):
    template_name = "registry/unit/form.html"

    def get_unit(self):
        unit = get_visible_unit(self.request.user, self.kwargs["code"])
        if not self.request.user.has_perm("registry.change_unit", unit):
            raise PermissionDenied
        return unit

    def form(self, unit, data=None):
        return ServiceUnitForm(data, instance=unit,
                               keep_organization=not is_secretariat(self.request.user))

    def get(self, request, code):
        unit = self.get_unit()
        return render(request, self.template_name, {"form": self.form(unit), "unit": unit})

    def post(self, request, code):
        unit = self.get_unit()
        form = self.form(unit, request.POST)
        if form.is_valid():
            unit = save_unit_with_audit(form, actor=request.user, request=request)
            messages.success(request, _("The changes were saved."))
            return redirect("registry:unit.detail", code=unit.code)
        return render(request, self.template_name, {"form": form, "unit": unit})


class ServiceUnitDeactivateView(RegistryAccessMixin, View):
    """Confirm, then deactivate an active unit or reactivate an inactive one."""

    template_name = "registry/unit/deactivate.html"

    def get_unit(self):
        unit = get_visible_unit(self.request.user, self.kwargs["code"])
        if not self.request.user.has_perm("registry.deactivate_unit", unit):
            raise PermissionDenied
        return unit

    def get(self, request, code):
        return render(request, self.template_name, {"unit": self.get_unit()})

    def post(self, request, code):
        unit = self.get_unit()
        if unit.is_active:
            reason = request.POST.get("reason", "").strip()[:500]
            deactivate_unit(unit, actor=request.user, reason=reason, request=request)
            messages.success(request, _("The unit was deactivated."))
        else:
            try:
                reactivate_unit(unit, actor=request.user, request=request)
            except RegistryError:
                messages.error(request, _("The unit cannot be reactivated while its "
                                          "organisation is inactive."))
                return render(request, self.template_name, {"unit": unit}, status=400)
            messages.success(request, _("The unit was reactivated."))
        return redirect("registry:unit.detail", code=unit.code)


class GeoOptionsView(RegistryAccessMixin, View):
    """``<option>`` lists for the chained address selects (htmx): ``?province=XX`` gives the
    districts (and empties the subdistricts out of band), ``?district=XXXX`` the
    subdistricts."""

    def get(self, request):
        if "district" in request.GET:
            options = subdistrict_options(request.GET.get("district", "").strip())
            return render(request, "registry/geo/options.html", {"options": options})
        options = district_options(request.GET.get("province", "").strip())
        return render(request, "registry/geo/options.html",
                      {"options": options, "reset_subdistricts": subdistrict_options("")})
