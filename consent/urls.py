"""Routes of the children and consent pages, in the `consent` namespace. Every record is
addressed by its public id (a UUID); nothing about a child is ever in a URL (the search is
POSTed)."""

from django.urls import path

from consent import views

app_name = "consent"

C = "children/<uuid:id>/"
K = "consents/<uuid:id>/"

urlpatterns = [
    path("children/", views.FindChildView.as_view(), name="subject_find"),
    path("children/new/", views.SubjectCreateView.as_view(), name="subject_create"),
    path(C, views.SubjectDetailView.as_view(), name="subject_detail"),
    path(f"{C}edit/", views.SubjectEditView.as_view(), name="subject_edit"),
    path(f"{C}team/add/", views.TeamAddView.as_view(), name="team_add"),
    path("children/team/<uuid:id>/end/", views.TeamEndView.as_view(), name="team_end"),
    path("children/team/<uuid:id>/lead/", views.TeamLeadView.as_view(), name="team_lead"),
    path(
        f"{C}access-requests/new/", views.AccessRequestView.as_view(), name="access_request_record"
    ),
    path(f"{C}consents/new/", views.ConsentRecordView.as_view(), name="consent_record"),
    path(
        f"{C}consent-form/<uuid:agreement_id>/",
        views.ConsentFormPdfView.as_view(),
        name="consent_form_pdf",
    ),
    path("consents/due/", views.ConsentsDueView.as_view(), name="consents_due"),
    path(K, views.ConsentDetailView.as_view(), name="consent_detail"),
    path(f"{K}review/", views.ConsentReviewView.as_view(), name="consent_review"),
    path(f"{K}withdraw/", views.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path(f"{K}renew/", views.ConsentRenewView.as_view(), name="consent_renew"),
    path(f"{K}signed-form/", views.SignedFormView.as_view(), name="consent_signed_form"),
    path(f"{K}signed-form/attach/", views.AttachFormView.as_view(), name="consent_attach_form"),
    path(f"{K}receipt/", views.ConsentReceiptPdfView.as_view(), name="consent_receipt_pdf"),
]
