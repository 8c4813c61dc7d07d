from django.contrib.auth import views as auth_views
from django.urls import path

from partners import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("partnership/", views.ChooseMembershipView.as_view(), name="choose_membership"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/<uuid:public_id>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    # Accounts: Django's views with the service's templates.
    path("sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
]
