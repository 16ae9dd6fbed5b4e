from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from gecc.accounts.interfaces.forms import UserAdminChangeForm, UserAdminCreationForm
from gecc.accounts.models import RoleGrant, User


def admin_site_login(request, extra_context=None):
    """The admin site signs people in through the site's own sign-in page.

    Django's admin login form would check the password without the sign-in throttle and
    without the second-factor step, so a staff account could be guessed at without limit and
    a user with an authenticator app would be signed in with the password alone.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied
    return redirect_to_login(next_url)


admin.site.login = admin_site_login


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ("role", "granted_by", "granted_at")
    readonly_fields = ("granted_by", "granted_at")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """The Django user admin, keyed on the email address instead of a username."""

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )
    inlines = [RoleGrantInline]
    list_display = ("email", "full_name", "role_list", "is_active", "is_staff", "last_login")
    list_filter = ("role_grants__role", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name", "phone")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")

    def get_inline_instances(self, request, obj=None):
        # Roles are granted on the change page, after the user exists.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_grants")

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return ", ".join(sorted(grant.get_role_display() for grant in obj.role_grants.all()))

    def save_formset(self, request, form, formset, change):
        grants = formset.save(commit=False)
        for grant in grants:
            if isinstance(grant, RoleGrant) and grant.granted_by_id is None:
                grant.granted_by = request.user
            grant.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "granted_at", "granted_by")
    list_filter = ("role",)
    search_fields = ("user__email", "user__full_name")
    autocomplete_fields = ("user",)
    readonly_fields = ("granted_at", "granted_by")
    list_select_related = ("user", "granted_by")

    def save_model(self, request, obj, form, change):
        if obj.granted_by_id is None:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
