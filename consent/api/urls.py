"""Routes of the consent API, included by config/api_urls.py: /api/subjects/ (and a child's
consents and consent form under it), /api/consents/{id}/ with one endpoint per state change,
and /api/consent-check/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from consent.api.consents import ConsentCheckView, ConsentViewSet, SubjectConsentViewSet
from consent.api.subjects import SubjectConsentFormViewSet, SubjectViewSet

router = SimpleRouter(use_regex_path=False)
router.register("subjects", SubjectViewSet, basename="subject")

S = "subjects/<uuid:id>/"
K = "consents/<uuid:id>/"

urlpatterns = [
    path(
        f"{S}consents/",
        SubjectConsentViewSet.as_view({"get": "list", "post": "create"}),
        name="subject-consent-list",
    ),
    path(
        f"{S}consent-form/<uuid:agreement_id>/",
        SubjectConsentFormViewSet.as_view({"get": "retrieve"}),
        name="subject-consent-form",
    ),
    path(K, ConsentViewSet.as_view({"get": "retrieve"}), name="consent-detail"),
    path(f"{K}withdraw/", ConsentViewSet.as_view({"post": "withdraw"}), name="consent-withdraw"),
    path(f"{K}review/", ConsentViewSet.as_view({"post": "review"}), name="consent-review"),
    path(f"{K}receipt/", ConsentViewSet.as_view({"get": "receipt"}), name="consent-receipt"),
    path("consent-check/", ConsentCheckView.as_view(), name="consent-check"),
    *router.urls,
]
