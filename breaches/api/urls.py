"""Routes of the breaches API, included by config/api_urls.py. Records under a breach live under
it: /api/breaches/{id}/milestones/{milestone_id}/complete/, /api/breaches/{id}/meeting/held/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from breaches.api import views

router = SimpleRouter(use_regex_path=False)
router.register("breaches", views.BreachViewSet, basename="breach")

B = "breaches/<uuid:id>/"
MEETING_STEPS = (
    "schedule",
    "held",
    "attendees",
    "presented",
    "withdrew",
    "decision",
    "recalled",
    "actions",
    "minutes",
    "circulated",
)

urlpatterns = [
    path(
        f"{B}milestones/",
        views.MilestoneViewSet.as_view({"get": "list"}),
        name="breach-milestone-list",
    ),
    path(
        f"{B}milestones/<uuid:milestone_id>/",
        views.MilestoneViewSet.as_view({"get": "retrieve"}),
        name="breach-milestone-detail",
    ),
    path(
        f"{B}milestones/<uuid:milestone_id>/complete/",
        views.MilestoneViewSet.as_view({"post": "complete"}),
        name="breach-milestone-complete",
    ),
    path(
        f"{B}partners/",
        views.PartnerViewSet.as_view({"get": "list"}),
        name="breach-partner-list",
    ),
    *[
        path(
            f"{B}partners/<uuid:partner_id>/{step}/",
            views.PartnerViewSet.as_view({"post": step}),
            name=f"breach-partner-{step}",
        )
        for step in ("told", "acknowledged")
    ],
    path(
        f"{B}meeting/",
        views.MeetingViewSet.as_view({"get": "retrieve"}),
        name="breach-meeting",
    ),
    *[
        path(
            f"{B}meeting/{step}/",
            views.MeetingViewSet.as_view({"post": step}),
            name=f"breach-meeting-{step}",
        )
        for step in MEETING_STEPS
    ],
    *router.urls,
]
