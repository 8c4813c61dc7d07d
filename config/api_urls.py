"""The REST API under /api/: token sign-in, the OpenAPI schema and its self-hosted docs, and each
app's viewsets. Objects are addressed by UUID (path converters, so the schema types them too)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from notifications.api import NotificationViewSet
from partners import api as partners_api

router = SimpleRouter(use_regex_path=False)
router.register("organisations", partners_api.OrganisationViewSet, basename="organisation")
router.register("memberships", partners_api.MembershipViewSet, basename="membership")
router.register("invitations", partners_api.InvitationViewSet, basename="invitation")
router.register("training-records", partners_api.TrainingRecordViewSet, basename="training-record")
router.register("notifications", NotificationViewSet, basename="notification")

# An organisation's contacts live under it: /api/organisations/{id}/contacts/{contact_id}/.
contacts = partners_api.ContactViewSet
contact_urls = [
    path(
        "organisations/<uuid:id>/contacts/",
        contacts.as_view({"get": "list", "post": "create"}),
        name="organisation-contact-list",
    ),
    path(
        "organisations/<uuid:id>/contacts/<uuid:contact_id>/",
        contacts.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="organisation-contact-detail",
    ),
]

urlpatterns = [
    path("auth/token/", partners_api.TokenObtainView.as_view(), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI's start-up script comes from the same URL (?script), not inline, so the CSP's
    # script-src stays 'self'; its page has one <style> block and its CSS data: images.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api_schema")
        ),
        name="api_docs",
    ),
    # Sharing decisions, override approvals and inaccuracy notices (sharing_log/api/urls.py)
    # first: recording a decision is the API's busiest call, and Django tries the routes in
    # order, listing every one it passes (docs/performance.md, (c)).
    path("", include("sharing_log.api.urls")),
    *contact_urls,
    # Agreements, their signatories, consultations, reviews and PDF (agreements/api/urls.py).
    path("", include("agreements.api.urls")),
    # Breaches, their milestones, partners told and the partners' meeting (breaches/api/urls.py).
    path("", include("breaches.api.urls")),
    # Children, their consents, consent forms and the consent check (consent/api/urls.py).
    path("", include("consent.api.urls")),
    path("", include(router.urls)),
]
