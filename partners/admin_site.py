from functools import wraps

from django.contrib import admin

from partners.tenancy import cross_tenant_context


class PlatformAdminSite(admin.AdminSite):
    """The platform admin, for staff who create partnerships and their first IG officer.

    Its pages span partnerships, so every admin view runs in the cross-tenant context; only
    tenant, user, organisation and membership records are registered on it.
    """

    site_header = "Sharewell platform administration"
    site_title = "Sharewell admin"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def wrapper(request, *args, **kwargs):
            with cross_tenant_context():
                return inner(request, *args, **kwargs)

        return wrapper
