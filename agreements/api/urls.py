"""Routes of the agreements API, included by config/api_urls.py. Records under an agreement
live under it: /api/agreements/{id}/signatories/{signatory_id}/sign/ and so on."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from agreements import api

router = SimpleRouter(use_regex_path=False)
router.register("agreements", api.AgreementViewSet, basename="agreement")
router.register("legal-bases", api.LegalBasisViewSet, basename="legal-basis")

A = "agreements/<uuid:id>/"


def nested(prefix: str, viewset, name: str, *, lookup: str, actions=(), listing=True):
    """The list (GET, POST), the detail (GET) and each POST action of a viewset under one
    agreement, named "<name>-list", "<name>-detail" and "<name>-<action>"."""
    item = f"{prefix}<uuid:{lookup}>/"
    routes = []
    if listing:
        routes.append(
            path(prefix, viewset.as_view({"get": "list", "post": "create"}), name=f"{name}-list")
        )
        routes.append(path(item, viewset.as_view({"get": "retrieve"}), name=f"{name}-detail"))
    for method, url_path in actions:
        routes.append(
            path(
                f"{item}{url_path}/",
                viewset.as_view({"post": method}),
                name=f"{name}-{url_path}",
            )
        )
    return routes


urlpatterns = [
    *nested(
        f"{A}signatories/",
        api.SignatoryViewSet,
        "agreement-signatory",
        lookup="signatory_id",
        actions=[("sign", "sign"), ("decline", "decline"), ("withdraw", "withdraw")],
    ),
    *nested(
        f"{A}consultations/",
        api.ConsultationViewSet,
        "agreement-consultation",
        lookup="consultation_id",
        actions=[("answer", "respond"), ("approve", "approve"), ("drop", "drop")],
    ),
    *nested(
        f"{A}reviews/",
        api.ReviewViewSet,
        "agreement-review",
        lookup="review_id",
        actions=[("findings", "findings"), ("report", "report"), ("complete", "complete")],
    ),
    path(
        f"{A}reviews/<uuid:review_id>/actions/",
        api.ReviewActionViewSet.as_view({"post": "create"}),
        name="agreement-review-action-list",
    ),
    *nested(
        f"{A}reviews/<uuid:review_id>/actions/",
        api.ReviewActionViewSet,
        "agreement-review-action",
        lookup="action_id",
        actions=[("complete", "complete")],
        listing=False,
    ),
    *router.urls,
]
