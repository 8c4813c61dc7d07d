"""Pages of the partners app: choosing a partnership, the dashboard, organisations, the accounts
pages' small additions to Django's auth views, and the error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.cache import patch_vary_headers
from django.views.generic import DetailView, FormView, ListView, TemplateView

from partners.forms import ChooseMembershipForm
from partners.permissions import MembershipRequiredMixin
from partners.roles import Role
from partners.selectors import (
    membership_count,
    memberships_for_user,
    organisation_count,
    organisation_get,
    organisation_list,
    scheduler_heartbeat,
    scheduler_is_late,
)
from partners.services import membership_activate


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
        context["scheduler"] = scheduler = scheduler_heartbeat()
        if self.request.membership.role == Role.IG_OFFICER:
            context["scheduler_is_late"] = scheduler_is_late(heartbeat=scheduler)
            context["organisation_count"] = organisation_count()
            context["membership_count"] = membership_count()
        return context


class OrganisationListView(MembershipRequiredMixin, ListView):
    """The partnership's organisations, searchable by name.

    One URL serves both the page and, for htmx's requests as the user types, just the results
    (`Vary: HX-Request` keeps caches from mixing the two up). A history restore asks for the
    whole page.
    """

    required_capability = "organisations.view"
    template_name = "partners/organisation_list.html"
    fragment_template_name = "partners/_organisation_results.html"
    context_object_name = "organisations"
    paginate_by = 100

    def get_queryset(self):
        return organisation_list(search=self.search)

    @property
    def search(self) -> str:
        return self.request.GET.get("q", "").strip()[:200]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search"] = self.search
        return context

    def get_template_names(self) -> list[str]:
        htmx = self.request.htmx
        if htmx and not htmx.history_restore_request:
            return [self.fragment_template_name]
        return [self.template_name]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response


class OrganisationDetailView(MembershipRequiredMixin, DetailView):
    required_capability = "organisations.view"
    template_name = "partners/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return organisation_get(public_id=self.kwargs["public_id"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        parts = ("address_line_1", "address_line_2", "town", "postcode")
        context["address_lines"] = [
            value for value in (getattr(organisation, part, "") for part in parts) if value
        ]
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
