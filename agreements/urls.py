"""Routes of the agreement pages. Every record is addressed by its public id (a UUID)."""

from django.urls import path

from agreements import views

A = "agreements/<uuid:public_id>/"

urlpatterns = [
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", views.AgreementCreateView.as_view(), name="agreement_create"),
    path(A, views.AgreementDetailView.as_view(), name="agreement_detail"),
    path(f"{A}edit/", views.AgreementEditView.as_view(), name="agreement_edit"),
    path(
        f"{A}content/<slug:section>/",
        views.AgreementContentEditView.as_view(),
        name="agreement_content_edit",
    ),
    path(
        f"{A}changes/<int:from_version>/",
        views.AgreementChangesView.as_view(),
        name="agreement_changes",
    ),
    path(f"{A}pdf/", views.AgreementPdfView.as_view(), name="agreement_pdf"),
    # The lifecycle: each move its own page and service.
    path(f"{A}circulate/", views.CirculateView.as_view(), name="agreement_circulate"),
    path(
        f"{A}return-to-draft/",
        views.ReturnToDraftView.as_view(),
        name="agreement_return_to_draft",
    ),
    path(f"{A}approve/", views.ApproveView.as_view(), name="agreement_approve"),
    path(f"{A}start-review/", views.StartReviewView.as_view(), name="agreement_start_review"),
    path(f"{A}supersede/", views.SupersedeView.as_view(), name="agreement_supersede"),
    path(f"{A}expire/", views.ExpireView.as_view(), name="agreement_expire"),
    path(f"{A}withdraw/", views.WithdrawView.as_view(), name="agreement_withdraw"),
    # Signatories.
    path(f"{A}signatories/invite/", views.InviteView.as_view(), name="signatory_invite"),
    path(
        "agreements/signatories/<uuid:public_id>/sign/",
        views.SignView.as_view(),
        name="signatory_sign",
    ),
    path(
        "agreements/signatories/<uuid:public_id>/decline/",
        views.DeclineView.as_view(),
        name="signatory_decline",
    ),
    path(
        "agreements/signatories/<uuid:public_id>/withdraw/",
        views.WithdrawSignatoryView.as_view(),
        name="signatory_withdraw",
    ),
    # Change consultations.
    path(f"{A}consultations/new/", views.ConsultationOpenView.as_view(), name="consultation_open"),
    path(
        "agreements/consultations/<uuid:public_id>/",
        views.ConsultationDetailView.as_view(),
        name="consultation_detail",
    ),
    path(
        "agreements/consultations/<uuid:public_id>/respond/",
        views.ConsultationRespondView.as_view(),
        name="consultation_respond",
    ),
    path(
        "agreements/consultations/<uuid:public_id>/approve/",
        views.ConsultationApproveView.as_view(),
        name="consultation_approve",
    ),
    path(
        "agreements/consultations/<uuid:public_id>/drop/",
        views.ConsultationDropView.as_view(),
        name="consultation_drop",
    ),
    # Reviews and audit requests.
    path(
        "agreements/reviews/<uuid:public_id>/",
        views.ReviewDetailView.as_view(),
        name="review_detail",
    ),
    path(
        "agreements/reviews/<uuid:public_id>/findings/",
        views.ReviewFindingsView.as_view(),
        name="review_findings",
    ),
    path(
        "agreements/reviews/<uuid:public_id>/report/",
        views.ReviewReportView.as_view(),
        name="review_report",
    ),
    path(
        "agreements/reviews/<uuid:public_id>/actions/add/",
        views.ReviewActionAddView.as_view(),
        name="review_action_add",
    ),
    path(
        "agreements/reviews/<uuid:public_id>/complete/",
        views.ReviewCompleteView.as_view(),
        name="review_complete",
    ),
    path(
        "agreements/review-actions/<uuid:public_id>/done/",
        views.ReviewActionCompleteView.as_view(),
        name="review_action_complete",
    ),
    path(
        f"{A}audit-requests/new/",
        views.AuditRequestCreateView.as_view(),
        name="audit_request_create",
    ),
    path(
        "agreements/audit-requests/<uuid:public_id>/complete/",
        views.AuditCompleteView.as_view(),
        name="audit_request_complete",
    ),
    path(
        "agreements/audit-requests/<uuid:public_id>/cancel/",
        views.AuditCancelView.as_view(),
        name="audit_request_cancel",
    ),
]
