from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from partners import api as partners_api

router = SimpleRouter()
router.register("organisations", partners_api.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("auth/token/", partners_api.TokenObtainView.as_view(), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include(router.urls)),
]
