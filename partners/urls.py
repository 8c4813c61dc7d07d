from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from partners import forms, views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("partnership/", views.ChooseMembershipView.as_view(), name="choose_membership"),
    # Organisations and their authorised contacts.
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path(
        "organisations/<uuid:public_id>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "organisations/<uuid:public_id>/edit/",
        views.OrganisationEditView.as_view(),
        name="organisation_edit",
    ),
    path(
        "organisations/<uuid:public_id>/security-summary/",
        views.SecuritySummaryView.as_view(),
        name="organisation_security_summary",
    ),
    path(
        "organisations/<uuid:public_id>/contacts/add/",
        views.ContactAddView.as_view(),
        name="contact_add",
    ),
    path(
        "organisations/<uuid:public_id>/contacts/<uuid:contact_id>/edit/",
        views.ContactEditView.as_view(),
        name="contact_edit",
    ),
    # Importing organisations from a GIAS extract: upload, preview, progress.
    path(
        "organisations/import/",
        views.OrganisationImportUploadView.as_view(),
        name="organisation_import_upload",
    ),
    path(
        "organisations/import/<uuid:public_id>/",
        views.OrganisationImportPreviewView.as_view(),
        name="organisation_import_preview",
    ),
    path(
        "organisations/import/<uuid:public_id>/progress/",
        views.OrganisationImportProgressView.as_view(),
        name="organisation_import_progress",
    ),
    path(
        "organisations/import/<uuid:public_id>/progress/status/",
        views.OrganisationImportStatusView.as_view(),
        name="organisation_import_status",
    ),
    # People, invitations and training.
    path("people/", views.MembershipListView.as_view(), name="membership_list"),
    path("people/invite/", views.MembershipInviteView.as_view(), name="membership_invite"),
    path(
        "people/<uuid:public_id>/", views.MembershipDetailView.as_view(), name="membership_detail"
    ),
    path(
        "people/<uuid:public_id>/change/",
        views.MembershipChangeView.as_view(),
        name="membership_change",
    ),
    path(
        "people/<uuid:public_id>/deactivate/",
        views.MembershipDeactivateView.as_view(),
        name="membership_deactivate",
    ),
    path(
        "people/<uuid:public_id>/training/record/",
        views.MemberTrainingRecordView.as_view(),
        name="membership_training_record",
    ),
    # The token is a random secret from the invitation email, not personal data.
    path("join/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("my-training/", views.MyTrainingView.as_view(), name="my_training"),
    path("my-training/record/", views.MyTrainingRecordView.as_view(), name="my_training_record"),
    path(
        "training/<uuid:public_id>/evidence/",
        views.TrainingEvidenceView.as_view(),
        name="training_evidence",
    ),
    path("settings/training/", views.TrainingPolicyView.as_view(), name="training_policy"),
    # Accounts: Django's views and tokens with the service's templates and wording.
    path(
        "sign-in/",
        auth_views.LoginView.as_view(form_class=forms.SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    # Two-step verification, sessions, the access log, lockouts (partners/security/urls.py).
    path("", include("partners.security.urls")),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "account/password/changed/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=forms.PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            extra_email_context={
                "service_name": settings.SHAREWELL_SERVICE_NAME,
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
