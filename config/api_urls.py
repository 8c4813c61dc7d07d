"""The REST API under /api/: token sign-in, the OpenAPI schema and its self-hosted docs, and each
app's viewsets. Objects are addressed by UUID (path converters, so the schema types them too)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from partners import api as partners_api

router = SimpleRouter(use_regex_path=False)
router.register("organisations", partners_api.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("auth/token/", partners_api.TokenObtainView.as_view(), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include(router.urls)),
]
