"""Routes of the security pages, included by partners/urls.py."""

from django.urls import path

from partners.security import views

urlpatterns = [
    # The second step of signing in, and setting it up.
    path("sign-in/code/", views.TwoStepVerifyView.as_view(), name="security_two_step_verify"),
    path(
        "account/two-step/set-up/",
        views.TwoStepSetupView.as_view(),
        name="security_two_step_setup",
    ),
    # The person's own sign-in and security.
    path("account/security/", views.AccountSecurityView.as_view(), name="security_account"),
    path(
        "account/security/recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="security_recovery_codes",
    ),
    path(
        "account/security/sign-out-everywhere/",
        views.SignOutEverywhereView.as_view(),
        name="security_sign_out_everywhere",
    ),
    # The IG officer's: the access log, locked accounts, the partnership's settings.
    path("security/access-log/", views.AccessLogView.as_view(), name="security_access_log"),
    path(
        "security/access-log/export/",
        views.AccessLogExportView.as_view(),
        name="security_access_log_export",
    ),
    path(
        "security/locked-accounts/",
        views.LockedAccountsView.as_view(),
        name="security_locked_accounts",
    ),
    path(
        "security/locked-accounts/<uuid:public_id>/unlock/",
        views.UnlockView.as_view(),
        name="security_unlock",
    ),
    path("settings/security/", views.SecuritySettingsView.as_view(), name="security_settings"),
]
