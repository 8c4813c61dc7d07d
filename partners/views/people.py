"""People pages: the partnership's members, inviting someone and accepting an invitation, changing
a role or organisation, deactivating, and IG training (one's own, anyone's, and the policy when
it lapses)."""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from partners.fields import add_service_errors
from partners.forms import (
    AcceptInvitationForm,
    InvitationForm,
    MembershipChangeForm,
    PeopleSearchForm,
    TrainingForm,
    TrainingPolicyForm,
)
from partners.links import link_maker
from partners.middleware import SESSION_KEY
from partners.models import Membership
from partners.permissions import MembershipRequiredMixin
from partners.roles import can
from partners.security.audit import TRAINING_EVIDENCE, access_record
from partners.security.models import AccessAction
from partners.selectors import (
    invitation_for_token,
    invitation_has_account,
    membership_get,
    membership_list,
    training_record_get,
    training_records_visible,
    training_state,
)
from partners.services import (
    invitation_accept,
    invitation_send,
    membership_change,
    membership_deactivate,
    tenant_set_training_policy,
    token_digest,
    training_record,
)
from partners.templatetags.partners_tags import training_expiry, training_tag
from partners.views.base import ServiceFormView, document_response

# --- People ----------------------------------------------------------------------------------


class MembershipListView(MembershipRequiredMixin, ListView):
    """Everyone in the partnership: role, organisation, IG training, whether still active."""

    required_capability = "memberships.view"
    template_name = "partners/membership_list.html"
    context_object_name = "memberships"
    paginate_by = 100

    @cached_property
    def form(self) -> PeopleSearchForm:
        return PeopleSearchForm(self.request.GET or None)

    @property
    def invalid(self) -> bool:
        return self.form.is_bound and not self.form.is_valid()

    def get_queryset(self):
        # The page's people are found by their ids alone, then read whole with their training:
        # sorting 10,000 whole rows (and looking up the training of every one skipped on the
        # way to the last page) was most of a page's time.
        if self.invalid:
            return Membership.objects.none()
        filters = self.form.filters() if self.form.is_bound else {}
        return (
            membership_list(**filters)
            .order_by("-is_active", "user__full_name", "pk")
            .values_list("pk", flat=True)
        )

    def paginate_queryset(self, queryset, page_size):
        paginator, page, ids, is_paginated = super().paginate_queryset(queryset, page_size)
        before, to = page.start_index() - 1, page.end_index()
        after = paginator.count - to
        if after < before:
            # Nearer the end: the page read backwards from the end, so that PostgreSQL keeps
            # the last rows it needs while sorting rather than sorting them all (the names'
            # collation makes each comparison costly; on the last page, half the page's time).
            ids = list(queryset.reverse()[after : after + (to - before)])[::-1]
        else:
            ids = list(ids)
        people = membership_list().only(*LIST_COLUMNS).in_bulk(ids)
        page.object_list = [people[pk] for pk in ids]
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = people_rows(context["memberships"], today=timezone.localdate())
        context["can_manage"] = can(self.request.membership, "memberships.manage")
        context["form"] = self.form
        context["invalid"] = self.invalid
        context["searched"] = self.form.is_bound and any(
            value for key, value in self.request.GET.items() if key != "page"
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["invalid"]:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


# What the people list shows of each person (a partnership has 10,000 of them).
LIST_COLUMNS = (
    "public_id",
    "role",
    "is_active",
    "user__full_name",
    "user__email",
    "organisation__name",
)


def people_rows(memberships, *, today) -> list[dict]:
    """What the people list writes for each person, worked out here rather than by template
    lookups, links, filters and tags per row: a hundred rows of them were most of the page's
    time (docs/performance.md, (h))."""
    detail_url = link_maker("membership_detail", "public_id")
    rows = []
    for membership in memberships:
        expiry = membership.latest_training_expiry
        status = training_state(expires_on=expiry, on=today)
        rows.append(
            {
                "url": detail_url(membership.public_id),
                "name": str(membership.user),
                "role": membership.get_role_display(),
                "organisation": membership.organisation.name,
                "training": training_tag(status),
                "training_date": training_expiry(status, expiry),
                "is_active": membership.is_active,
            }
        )
    return rows


class MembershipDetailView(MembershipRequiredMixin, TemplateView):
    required_capability = "memberships.view"
    template_name = "partners/membership_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = membership_get(public_id=self.kwargs["public_id"])
        today = timezone.localdate()
        records = list(
            training_records_visible(
                viewer=self.request.membership, on=today, membership=membership.public_id
            )
        )
        for record in records:
            record.status = training_state(expires_on=record.expires_on, on=today)
        context.update(
            membership=membership,
            training_status=training_state(expires_on=membership.latest_training_expiry, on=today),
            records=records,
            is_self=membership.pk == self.request.membership.pk,
            show_actions=membership.is_active
            and can(self.request.membership, "memberships.manage"),
        )
        return context


class MembershipInviteView(ServiceFormView):
    required_capability = "memberships.manage"
    template_name = "partners/membership_invite.html"
    form_class = InvitationForm
    success_message = "We have emailed an invitation to {result.full_name}."

    def perform(self, form):
        def accept_url_for(raw_token: str) -> str:
            path = reverse("invitation_accept", kwargs={"token": raw_token})
            return self.request.build_absolute_uri(path)

        return invitation_send(
            actor=self.request.membership, accept_url_for=accept_url_for, **form.cleaned_data
        )

    def success_url_for(self, invitation) -> str:
        return reverse("membership_list")


class MembershipChangeView(ServiceFormView):
    required_capability = "memberships.manage"
    template_name = "partners/membership_change.html"
    form_class = MembershipChangeForm

    @cached_property
    def membership(self):
        return membership_get(public_id=self.kwargs["public_id"])

    def get_initial(self):
        return {
            "role": self.membership.role,
            "organisation": self.membership.organisation.public_id,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.membership, **kwargs)

    def perform(self, form):
        return membership_change(
            actor=self.request.membership, membership=self.membership, **form.cleaned_data
        )

    def success_message_for(self, membership) -> str:
        return (
            f"{membership.user.full_name} is now {membership.get_role_display()} "
            f"at {membership.organisation.name}."
        )

    def success_url_for(self, membership) -> str:
        return reverse("membership_detail", kwargs={"public_id": membership.public_id})


class MembershipDeactivateView(ServiceFormView):
    """Ending someone's membership asks for confirmation first; the change is a POST."""

    required_capability = "memberships.manage"
    template_name = "partners/membership_deactivate.html"
    form_class = forms.Form
    success_message = "{result.user.full_name} can no longer use this partnership."

    @cached_property
    def membership(self):
        return membership_get(public_id=self.kwargs["public_id"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            membership=self.membership,
            is_self=self.membership.pk == self.request.membership.pk,
            **kwargs,
        )

    def perform(self, form):
        return membership_deactivate(actor=self.request.membership, membership=self.membership)

    def success_url_for(self, membership) -> str:
        return reverse("membership_detail", kwargs={"public_id": membership.public_id})


@method_decorator(never_cache, name="dispatch")
class InvitationAcceptView(FormView):
    """Where an invitation link leads: the invitee sets a password (or gives the one of the
    account they have), joins the partnership and is signed in. Nobody need be signed in."""

    template_name = "partners/invitation_accept.html"
    form_class = AcceptInvitationForm

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_for_token(digest=token_digest(kwargs["token"]))
        if self.invitation is None:
            return self.invalid_link()
        return super().dispatch(request, *args, **kwargs)

    def invalid_link(self):
        return render(self.request, "partners/invitation_invalid.html", status=404)

    def get_form_kwargs(self):
        has_account = invitation_has_account(invitation=self.invitation)
        return {**super().get_form_kwargs(), "has_account": has_account}

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation=self.invitation, **kwargs)

    def form_valid(self, form):
        try:
            membership = invitation_accept(
                raw_token=self.kwargs["token"], password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            if invitation_for_token(digest=token_digest(self.kwargs["token"])) is None:
                return self.invalid_link()
            # A refused password: the password checkers' messages belong on the password.
            if hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:
                form.add_error("password", error.messages)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        login(self.request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        self.request.session[SESSION_KEY] = str(membership.public_id)
        messages.success(self.request, f"You have joined {membership.tenant.name}.")
        return redirect("dashboard")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- Training --------------------------------------------------------------------------------


def training_summary(membership) -> dict:
    """The state of someone's own IG training, as their dashboard and "My training" show it."""
    today = timezone.localdate()
    latest = training_records_visible(viewer=membership, on=today, membership=membership.public_id)
    expires_on = latest.order_by("-expires_on").values_list("expires_on", flat=True).first()
    return {"status": training_state(expires_on=expires_on, on=today), "expires_on": expires_on}


class MyTrainingView(MembershipRequiredMixin, TemplateView):
    """Everyone's own IG training: what they have done and when it lapses."""

    required_capability = "dashboard.view"
    template_name = "partners/my_training.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = self.request.membership
        today = timezone.localdate()
        records = list(
            training_records_visible(viewer=membership, on=today, membership=membership.public_id)
        )
        for record in records:
            record.status = training_state(expires_on=record.expires_on, on=today)
        context.update(records=records, summary=training_summary(membership))
        return context


class TrainingRecordView(ServiceFormView):
    template_name = "partners/training_form.html"
    form_class = TrainingForm
    success_message = "{result.course} has been recorded."

    def get_member(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        member = self.get_member()
        return super().get_context_data(
            member=member, is_self=member.pk == self.request.membership.pk, **kwargs
        )

    def perform(self, form):
        return training_record(
            actor=self.request.membership, membership=self.get_member(), **form.cleaned_data
        )


class MyTrainingRecordView(TrainingRecordView):
    """Anyone records their own training."""

    required_capability = "dashboard.view"

    def get_member(self):
        return self.request.membership

    def success_url_for(self, record) -> str:
        return reverse("my_training")


class MemberTrainingRecordView(TrainingRecordView):
    """The IG officer records anyone's training."""

    required_capability = "memberships.manage"

    @cached_property
    def member(self):
        return membership_get(public_id=self.kwargs["public_id"])

    def get_member(self):
        return self.member

    def success_url_for(self, record) -> str:
        return reverse("membership_detail", kwargs={"public_id": self.member.public_id})


class TrainingEvidenceView(MembershipRequiredMixin, View):
    """Evidence of training, for the person it belongs to and those who see everyone's."""

    required_capability = "dashboard.view"

    def get(self, request, public_id):
        record = training_record_get(viewer=request.membership, public_id=public_id)
        response = document_response(record.evidence, download_name="training-evidence")
        access_record(
            request=request,
            action=AccessAction.DOWNLOAD,
            object_type=TRAINING_EVIDENCE,
            object_id=record.public_id,
        )
        return response


class TrainingPolicyView(ServiceFormView):
    required_capability = "memberships.manage"
    template_name = "partners/training_policy.html"
    form_class = TrainingPolicyForm
    success_message = "The training setting has been saved."

    def get_initial(self):
        return {"untrained_decision_policy": self.request.tenant.untrained_decision_policy}

    def perform(self, form):
        return tenant_set_training_policy(
            actor=self.request.membership, policy=form.cleaned_data["untrained_decision_policy"]
        )

    def success_url_for(self, tenant) -> str:
        return reverse("training_policy")
