"""Platform admin: a superuser creates partnerships and their first IG officer.

It lists tenants, users and memberships only; no tenant's case data is registered here.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from partners.models import Membership, Organisation, Tenant, User


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "bank_holiday_region", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Details", {"fields": ("full_name", "job_title")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "full_name", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ("is_active", "is_staff")

    def has_delete_permission(self, request, obj=None) -> bool:
        # Users are deactivated, never deleted: history rows keep their author.
        return False


class CrossTenantAdmin(admin.ModelAdmin):
    """Tenant rows in the platform admin, which runs in the cross-tenant context (admin_site.py)."""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tenant")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(CrossTenantAdmin):
    list_display = ("name", "tenant", "type", "is_active")
    list_filter = ("tenant", "type")
    search_fields = ("name",)
    raw_id_fields = ("parent",)


@admin.register(Membership)
class MembershipAdmin(CrossTenantAdmin):
    list_display = ("user", "tenant", "organisation", "role", "is_active")
    list_filter = ("tenant", "role")
    raw_id_fields = ("user", "organisation")
