from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from partners import forms, views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("partnership/", views.ChooseMembershipView.as_view(), name="choose_membership"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/<uuid:public_id>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    # Accounts: Django's views and tokens with the service's templates and wording.
    path(
        "sign-in/",
        auth_views.LoginView.as_view(form_class=forms.SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
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
