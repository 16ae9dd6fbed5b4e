"""Organisation screens: list, detail (sub-organisations and units), create/edit,
deactivate."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from gecc.accounts.rules import is_secretariat
from gecc.audit.domain import log_action
from gecc.registry.domain.units import deactivate_organization
from gecc.registry.interfaces.forms import OrganizationFilterForm, OrganizationForm
from gecc.registry.models import Organization, ServiceUnit
from gecc.registry.views.base import (
    RegistryAccessMixin,
    SecretariatOnlyMixin,
    changed_fields,
    snapshot,
)

AUDITED_ORGANIZATION_FIELDS = ["code", "name_th", "name_en", "abbreviation", "kind", "parent"]


def get_visible_organization(user, pk):
    return get_object_or_404(
        Organization.objects.visible_to(user).select_related("parent"), pk=pk)


@transaction.atomic
def save_organization_with_audit(form, *, actor, request=None):
    """Save an organisation form; log ``organization.created`` / ``organization.updated``
    with the before/after values of the changed fields."""
    organization = form.instance
    creating = organization.pk is None
    before = {} if creating else snapshot(
        Organization.objects.get(pk=organization.pk), AUDITED_ORGANIZATION_FIELDS)
    organization = form.save()
    after = snapshot(organization, AUDITED_ORGANIZATION_FIELDS)
    if creating:
        log_action("organization.created", actor=actor, obj=organization, after=after,
                   request=request)
    else:
        old, new = changed_fields(before, after)
        if new:
            log_action("organization.updated", actor=actor, obj=organization, before=old,
                       after=new, request=request)
    return organization


class OrganizationListView(RegistryAccessMixin, ListView):
    template_name = "registry/organization/list.html"
    context_object_name = "organizations"
    paginate_by = 50

    def get_queryset(self):
        visible = Organization.objects.visible_to(self.request.user)
        self.filter_form = OrganizationFilterForm(self.request.GET or None,
                                                  organizations=visible)
        sort = self.request.GET.get("sort", "code")
        self.sort = sort if sort.lstrip("-") in ("code", "name_th") else "code"
        return self.filter_form.filter(visible).select_related("parent").order_by(self.sort)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({
            "filter_form": self.filter_form,
            "sort": self.sort,
            "columns": [("code", _("Code")), ("name_th", _("Thai name"))],
            "can_create": is_secretariat(self.request.user),
        })
        return context


class OrganizationDetailView(RegistryAccessMixin, TemplateView):
    template_name = "registry/organization/detail.html"
    UNIT_LIMIT = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        organization = get_visible_organization(user, kwargs["pk"])
        units = (ServiceUnit.objects.visible_to(user).filter(organization=organization)
                 .select_related("province").order_by("code"))
        context.update({
            "organization": organization,
            "ancestors": list(reversed(organization.ancestors())),
            "children": list(Organization.objects.visible_to(user)
                             .filter(parent=organization).order_by("code")),
            "units": list(units[:self.UNIT_LIMIT]),
            "unit_count": units.count(),
            "unit_limit": self.UNIT_LIMIT,
            "can_change": user.has_perm("registry.change_organization"),
            "show_history": user.is_staff_member,
        })
        return context


class OrganizationCreateView(SecretariatOnlyMixin, View):
    template_name = "registry/organization/form.html"

    def get(self, request):
        form = OrganizationForm(initial={"parent": request.GET.get("parent")})
        return render(request, self.template_name, {"form": form, "organization": None})

    def post(self, request):
        form = OrganizationForm(request.POST)
        if form.is_valid():
            organization = save_organization_with_audit(form, actor=request.user,
                                                        request=request)
            messages.success(request, _("Organisation %(name)s was created.")
                             % {"name": organization.name_th})
            return redirect("registry:organization.detail", pk=organization.pk)
        return render(request, self.template_name, {"form": form, "organization": None})


class OrganizationUpdateView(SecretariatOnlyMixin, View):
    template_name = "registry/organization/form.html"

    def get(self, request, pk):
        organization = get_visible_organization(request.user, pk)
        return render(request, self.template_name,
                      {"form": OrganizationForm(instance=organization),
                       "organization": organization})

    def post(self, request, pk):
        organization = get_visible_organization(request.user, pk)
        form = OrganizationForm(request.POST, instance=organization)
        if form.is_valid():
            save_organization_with_audit(form, actor=request.user, request=request)
            messages.success(request, _("The changes were saved."))
            return redirect("registry:organization.detail", pk=organization.pk)
        return render(request, self.template_name,
                      {"form": form, "organization": organization})


class OrganizationDeactivateView(SecretariatOnlyMixin, View):
    template_name = "registry/organization/deactivate.html"

    def get(self, request, pk):
        organization = get_visible_organization(request.user, pk)
        return render(request, self.template_name, {
            "organization": organization,
            "unit_count": organization.units.filter(is_active=True).count(),
            "child_count": organization.children.filter(is_active=True).count(),
        })

    def post(self, request, pk):
        organization = get_visible_organization(request.user, pk)
        if organization.is_active:
            deactivate_organization(organization, actor=request.user, request=request)
            messages.success(request, _("The organisation, its sub-organisations and their "
                                        "units were deactivated."))
        return redirect("registry:organization.detail", pk=organization.pk)
