"""Routes of the sharing log API, included by config/api_urls.py. Only GET and POST exist:
a decision, approval, notice or acknowledgement is never changed or removed (405)."""

from django.urls import path

from sharing_log.api.decisions import DecisionViewSet
from sharing_log.api.notices import InaccuracyNoticeViewSet

D = "decisions/<uuid:id>/"
N = "inaccuracy-notices/<uuid:id>/"

urlpatterns = [
    path(
        "decisions/",
        DecisionViewSet.as_view({"get": "list", "post": "create"}),
        name="decision-list",
    ),
    path(
        "decisions/batch/",
        DecisionViewSet.as_view({"post": "batch"}),
        name="decision-batch",
    ),
    path(D, DecisionViewSet.as_view({"get": "retrieve"}), name="decision-detail"),
    path(
        f"{D}supersede/",
        DecisionViewSet.as_view({"post": "supersede"}),
        name="decision-supersede",
    ),
    path(f"{D}approval/", DecisionViewSet.as_view({"post": "approval"}), name="decision-approval"),
    path(
        "inaccuracy-notices/",
        InaccuracyNoticeViewSet.as_view({"get": "list", "post": "create"}),
        name="inaccuracy-notice-list",
    ),
    path(N, InaccuracyNoticeViewSet.as_view({"get": "retrieve"}), name="inaccuracy-notice-detail"),
    path(
        f"{N}acknowledge/",
        InaccuracyNoticeViewSet.as_view({"post": "acknowledge"}),
        name="inaccuracy-notice-acknowledge",
    ),
]
