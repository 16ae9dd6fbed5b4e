"""The audit log in the technical admin site: readable, never writable."""

from django.contrib import admin

from gecc.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor_label", "object_repr", "ip_address")
    list_filter = ("content_type",)
    search_fields = ("action", "actor_label", "object_repr", "object_id")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "at"
    readonly_fields = ("at", "actor", "actor_label", "action", "content_type", "object_id",
                       "object_repr", "data", "ip_address")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
