"""Pages of the partners app: choosing a partnership, the dashboard, organisations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView, TemplateView

from partners.models import JobHeartbeat
from partners.permissions import MembershipRequiredMixin
from partners.selectors import memberships_for_user, organisation_get, organisation_list
from partners.services import membership_activate


class ChooseMembershipView(LoginRequiredMixin, TemplateView):
    """After sign-in a user with several partnerships picks one; they can switch here later."""

    template_name = "partners/choose_membership.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = memberships_for_user(user=self.request.user)
        context["error"] = kwargs.get("error")
        return context

    def post(self, request, *args, **kwargs):
        try:
            membership = membership_activate(
                request=request, public_id=request.POST.get("membership", "")
            )
        except ValidationError as error:
            context = self.get_context_data(error=error.message_dict["membership"][0])
            return self.render_to_response(context, status=400)
        messages.success(request, f"You are working in {membership.tenant.name}.")
        return redirect("dashboard")


class DashboardView(MembershipRequiredMixin, TemplateView):
    required_capability = "dashboard.view"

    def get_template_names(self) -> list[str]:
        return [f"dashboards/{self.request.membership.role}.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scheduler"] = JobHeartbeat.objects.filter(name="scheduler").first()
        return context


class OrganisationListView(MembershipRequiredMixin, ListView):
    required_capability = "organisations.view"
    template_name = "partners/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 100

    def get_queryset(self):
        return organisation_list(search=self.request.GET.get("q", "").strip())


class OrganisationDetailView(MembershipRequiredMixin, DetailView):
    required_capability = "organisations.view"
    template_name = "partners/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return organisation_get(public_id=self.kwargs["public_id"])
