"""Routes of the breach pages. Every record is addressed by its public id (a UUID); nothing
about a child is ever in a URL."""

from django.urls import path

from breaches import views

B = "breaches/<uuid:public_id>/"
M = f"{B}meeting/"

urlpatterns = [
    path("breaches/", views.BreachListView.as_view(), name="breach_list"),
    path("breaches/new/", views.BreachReportView.as_view(), name="breach_report"),
    path(B, views.BreachDetailView.as_view(), name="breach_detail"),
    path(f"{B}close/", views.BreachCloseView.as_view(), name="breach_close"),
    path(f"{B}withdraw/", views.BreachWithdrawView.as_view(), name="breach_withdraw"),
    # Partners told (6.1) and the milestones recorded directly (6.2).
    path(
        "breaches/partners/<uuid:public_id>/told/",
        views.PartnerToldView.as_view(),
        name="breach_partner_told",
    ),
    path(
        "breaches/partners/<uuid:public_id>/acknowledged/",
        views.PartnerAcknowledgedView.as_view(),
        name="breach_partner_acknowledged",
    ),
    path(
        "breaches/milestones/<uuid:public_id>/done/",
        views.MilestoneCompleteView.as_view(),
        name="breach_milestone_complete",
    ),
    path(
        "breaches/milestones/<uuid:public_id>/evidence/",
        views.MilestoneEvidenceView.as_view(),
        name="breach_milestone_evidence",
    ),
    # The partners' meeting (6.3–6.6).
    path(f"{M}schedule/", views.MeetingScheduleView.as_view(), name="breach_meeting_schedule"),
    path(f"{M}held/", views.MeetingHeldView.as_view(), name="breach_meeting_held"),
    path(f"{M}attendees/add/", views.AttendeeAddView.as_view(), name="breach_meeting_attendee"),
    path(f"{M}presented/", views.PresentedView.as_view(), name="breach_meeting_presented"),
    path(f"{M}withdrew/", views.WithdrewView.as_view(), name="breach_meeting_withdrew"),
    path(f"{M}decision/", views.DecideView.as_view(), name="breach_meeting_decide"),
    path(f"{M}recalled/", views.RecalledView.as_view(), name="breach_meeting_recalled"),
    path(f"{M}minutes/", views.MinutesView.as_view(), name="breach_meeting_minutes"),
    path(f"{M}circulated/", views.CirculateView.as_view(), name="breach_meeting_circulate"),
    path(
        "breaches/meetings/<uuid:public_id>/minutes-file/",
        views.MinutesFileView.as_view(),
        name="breach_minutes_file",
    ),
    path(f"{B}actions/add/", views.ActionAddView.as_view(), name="breach_action_add"),
    path(
        "breaches/actions/<uuid:public_id>/done/",
        views.ActionCompleteView.as_view(),
        name="breach_action_complete",
    ),
    # The personal data breach assessment (UK GDPR Articles 33–34).
    path(f"{B}ico/decision/", views.IcoDecideView.as_view(), name="breach_ico_decide"),
    path(f"{B}ico/reported/", views.IcoReportedView.as_view(), name="breach_ico_reported"),
    path(f"{B}ico/people-told/", views.IcoPeopleToldView.as_view(), name="breach_ico_people_told"),
    # Indemnity events (Haringey 11.1).
    path(f"{B}indemnity/new/", views.IndemnityNotifyView.as_view(), name="indemnity_notify"),
    path(
        "breaches/indemnity/<uuid:public_id>/",
        views.IndemnityDetailView.as_view(),
        name="indemnity_detail",
    ),
    path(
        "breaches/indemnity/<uuid:public_id>/response/",
        views.IndemnityResponseView.as_view(),
        name="indemnity_response",
    ),
    path(
        "breaches/indemnity/<uuid:public_id>/response-file/",
        views.IndemnityResponseFileView.as_view(),
        name="indemnity_response_file",
    ),
]
