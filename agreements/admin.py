"""The platform admin shows the shared legal bases, read-only, so platform staff can see the
wording every partnership cites. They change it through `agreements/reference.py` and a
migration, reviewed like code. Nothing tenant-scoped is registered: agreements are managed by
each partnership's IG officer in Sharewell itself, never across partnerships here."""

from django.contrib import admin

from agreements.models import LegalBasis


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ("citation", "title", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("citation", "title")
    fields = ("code", "kind", "citation", "title", "summary", "position", "is_active")

    def get_queryset(self, request):
        # A partnership's own additions are its data, not the platform's.
        return super().get_queryset(request).filter(tenant__isnull=True)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
