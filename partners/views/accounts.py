"""Signing out, choosing a partnership, the dashboard of each role, and the error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.generic import FormView, TemplateView

from partners.forms import ChooseMembershipForm
from partners.permissions import MembershipRequiredMixin
from partners.roles import Role
from partners.selectors import (
    membership_count,
    memberships_for_user,
    organisation_count,
    scheduler_heartbeat,
    scheduler_is_late,
)
from partners.services import membership_activate
from partners.views.people import training_summary


class ChooseMembershipView(LoginRequiredMixin, FormView):
    """After sign-in a user with several partnerships picks one; they can switch here later.

    A user with no active membership is told why there is nothing to choose.
    """

    template_name = "partners/choose_membership.html"
    form_class = ChooseMembershipForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["memberships"] = memberships_for_user(user=self.request.user)
        return kwargs

    def get_initial(self):
        membership = self.request.membership
        return {"membership": membership.public_id} if membership else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_memberships"] = context["form"].fields["membership"].queryset.exists()
        return context

    def form_valid(self, form):
        chosen = form.cleaned_data["membership"]
        try:
            membership = membership_activate(request=self.request, public_id=str(chosen.public_id))
        except ValidationError as error:
            form.add_error("membership", error.message_dict["membership"][0])
            return self.form_invalid(form)
        messages.success(self.request, f"You are working in {membership.tenant.name}.")
        return redirect("dashboard")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DashboardView(MembershipRequiredMixin, TemplateView):
    required_capability = "dashboard.view"

    def get_template_names(self) -> list[str]:
        return [f"dashboards/{self.request.membership.role}.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = self.request.membership
        context["scheduler"] = scheduler = scheduler_heartbeat()
        if membership.role == Role.IG_OFFICER:
            context["scheduler_is_late"] = scheduler_is_late(heartbeat=scheduler)
            context["organisation_count"] = organisation_count()
            context["membership_count"] = membership_count()
        context["my_training"] = training_summary(membership)
        return context


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST (a link or an image could otherwise sign people out)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


# Error pages. They say what happened and what to do next, and never show the exception's text
# or anything about the object asked for: the message of an Http404 or PermissionDenied could
# name a record, and these pages are shown to whoever asked.


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered with no request and no context processors: whatever failed (the database, the
    # session, a context processor) must not be needed to say that something failed.
    return HttpResponseServerError(loader.render_to_string("500.html"))
