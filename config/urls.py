from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("notifications.urls")),
    path("", include("partners.urls")),
    path("", include("agreements.urls")),
    path("", include("breaches.urls")),
    path("", include("consent.urls")),
    path("", include("sharing_log.urls")),
]

# GOV.UK-style error pages that show neither the exception's text nor anything about the object
# (partners/views.py); under /api/ the same errors answer in the API's JSON format (partners/api.py
# hands every other path to the page handlers).
handler400 = "partners.api.bad_request"
handler403 = "partners.api.permission_denied"
handler404 = "partners.api.page_not_found"
handler500 = "partners.api.server_error"
