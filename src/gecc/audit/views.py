"""Audit log staff pages: list with filters, one entry, CSV export. Read-only by design:
there is no view that edits or deletes an entry."""

import json

from django.utils import timezone
from django.views.generic import DetailView, ListView, View
from rules.contrib.views import PermissionRequiredMixin

from gecc.audit.domain import extra_items, field_changes, log_export, object_type_label
from gecc.audit.interfaces.export import header, rows
from gecc.audit.interfaces.forms import AuditEntryFilterForm
from gecc.audit.models import AuditEntry
from gecc.common.csvexport import csv_response
from gecc.common.thaidate import format_be_stamp


class AuditLogPermissionMixin(PermissionRequiredMixin):
    permission_required = "audit.view_log"

    def get_permission_object(self):
        # The permission is about the whole log; rows are then limited by visible_to().
        return None


class FilteredEntriesMixin:
    def filtered_queryset(self):
        self.filter_form = AuditEntryFilterForm(self.request.GET or None)
        entries = AuditEntry.objects.visible_to(self.request.user)
        return self.filter_form.filter(entries).select_related("actor", "content_type")


class AuditEntryListView(AuditLogPermissionMixin, FilteredEntriesMixin, ListView):
    template_name = "audit/entry/list.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        return self.filtered_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filter_form
        context["filter_form"] = form
        context["is_filtered"] = form.is_filtered
        context["history_of"] = self._history_of(form, context["entries"])
        return context

    @staticmethod
    def _history_of(form, entries):
        """When the list shows one object's history, the name of that object."""
        if not form.is_filtered or not form.cleaned_data["object_id"]:
            return None
        first = next(iter(entries), None)
        return first.object_repr if first is not None else form.cleaned_data["object_id"]


class AuditEntryDetailView(AuditLogPermissionMixin, DetailView):
    template_name = "audit/entry/detail.html"
    context_object_name = "entry"

    def get_queryset(self):
        return AuditEntry.objects.visible_to(self.request.user).select_related("actor",
                                                                               "content_type")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object
        model = entry.content_type.model_class() if entry.content_type else None
        context["changes"] = field_changes(entry.data, model=model)
        context["extra"] = extra_items(entry.data, model=model)
        context["raw_json"] = json.dumps(entry.data, ensure_ascii=False, indent=2, sort_keys=True)
        context["object_type"] = object_type_label(entry.content_type)
        return context


class AuditEntryExportView(AuditLogPermissionMixin, FilteredEntriesMixin, View):
    def get(self, request):
        entries = self.filtered_queryset()
        log_export("audit.exported", request)
        return csv_response(f"audit-log-{format_be_stamp(timezone.localdate())}.csv", header(),
                            rows(entries), streaming=True)
