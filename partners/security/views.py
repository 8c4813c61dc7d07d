"""Security pages: two-step verification (set up, the code at sign-in, recovery codes), the
person's own sessions and signing out everywhere, and for the IG officer the access log, locked
accounts and the partnership's security settings. Thin callers of the security services."""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView

from partners.fields import add_service_errors
from partners.models import Tenant
from partners.permissions import MembershipRequiredMixin
from partners.security import mfa
from partners.security.audit import (
    ACCESS_LOG_EXPORT,
    access_events_search,
    access_record,
    object_type_label,
)
from partners.security.csv import csv_response
from partners.security.forms import (
    AccessSearchForm,
    AuthenticatorCodeForm,
    SecuritySettingsForm,
    VerifyCodeForm,
)
from partners.security.lockout import account_unlock, cool_off_minutes, locked_memberships
from partners.security.models import AccessAction
from partners.security.services import tenant_set_security
from partners.security.sessions import current_session_key, sessions_end_all, sessions_open
from partners.selectors import membership_get
from partners.views.base import ServiceFormView


def _next_url(request, default: str = "dashboard") -> str:
    """Where to go after a step of signing in: the page asked for, if it is one of ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


# --- Two-step verification -------------------------------------------------------------------


class TwoStepSetupView(LoginRequiredMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the key), give a code it shows.

    Someone who already has an app and has not given its code in this session is sent to give
    it first: otherwise a stolen password would be enough to put a new app in place.
    """

    template_name = "security/two_step_setup.html"
    form_class = AuthenticatorCodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not mfa.is_verified(request) and mfa.has_authenticator(user):
            return redirect(_with_next("security_two_step_verify", _next_url(request)))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def device(self):
        return mfa.authenticator_start(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            qr_code=mfa.authenticator_qr_code(self.device),
            key=mfa.authenticator_key(self.device),
            replacing=mfa.has_authenticator(self.request.user),
            required=mfa.two_step_required(self.request.user),
            next=_next_url(self.request),
        )
        return context

    def form_valid(self, form):
        try:
            codes = mfa.authenticator_confirm(
                request=self.request, device=self.device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return render(
            self.request,
            "security/recovery_codes.html",
            {"codes": codes, "next": _next_url(self.request), "just_set_up": True},
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TwoStepVerifyView(LoginRequiredMixin, FormView):
    """The second step of signing in: the code from the authenticator app (or a recovery code)."""

    template_name = "security/two_step_verify.html"
    form_class = VerifyCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if mfa.is_verified(request):
                return HttpResponseRedirect(_next_url(request))
            if not mfa.has_authenticator(request.user):
                return redirect(_with_next("security_two_step_setup", _next_url(request)))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def form_valid(self, form):
        user = self.request.user
        try:
            device = mfa.verify_code(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        mfa.mark_verified(self.request, device)
        if device.name == mfa.RECOVERY_DEVICE_NAME:
            left = mfa.recovery_codes_left(user)
            messages.info(
                self.request,
                f"You used a recovery code. You have {left} left: get new ones from "
                "“Sign-in and security” if you are running out.",
            )
        return HttpResponseRedirect(_next_url(self.request))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AccountSecurityView(LoginRequiredMixin, TemplateView):
    """The person's own sign-in and security: their authenticator app, recovery codes, and the
    places they are signed in, with signing out everywhere."""

    template_name = "security/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            has_authenticator=mfa.has_authenticator(user),
            required=mfa.two_step_required(user),
            recovery_codes_left=mfa.recovery_codes_left(user),
            sessions=sessions_open(user=user)[:50],
            this_session=current_session_key(self.request),
        )
        return context


class RecoveryCodesView(LoginRequiredMixin, View):
    """New recovery codes, shown once; the old ones stop working."""

    def post(self, request):
        if not (mfa.has_authenticator(request.user) and mfa.is_verified(request)):
            raise Http404("Set up two-step verification first.")
        codes = mfa.recovery_codes_issue(user=request.user)
        return render(
            request,
            "security/recovery_codes.html",
            {"codes": codes, "next": reverse("security_account"), "just_set_up": False},
        )


class SignOutEverywhereView(LoginRequiredMixin, View):
    """End every session of this person, this one included."""

    def post(self, request):
        sessions_end_all(user=request.user)
        logout(request)
        messages.success(request, "You have been signed out on every device.")
        return redirect("login")


# --- The access log ----------------------------------------------------------------------------

PAGE_SIZE = 50


class AccessLogView(MembershipRequiredMixin, TemplateView):
    """Who viewed, downloaded or exported what, newest first; searchable by person, kind of
    record, record, child and date. A page at a time (keyset pagination)."""

    required_capability = "security.access_log"
    template_name = "security/access_log.html"

    @cached_property
    def form(self) -> AccessSearchForm:
        return AccessSearchForm(self.request.GET or None)

    def filters(self) -> dict:
        if not self.form.is_bound or not self.form.is_valid():
            return {}
        data = self.form.cleaned_data
        return {
            "who": data["who"],
            "action": data["action"],
            "object_type": data["object_type"],
            "object_id": data["object_id"],
            "subject_id": data["subject_id"],
            "since": data["since"],
            "until": data["until"],
        }

    def before(self):
        try:
            return forms.UUIDField(required=False).clean(self.request.GET.get("before") or None)
        except ValidationError:
            raise Http404("No such event.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.form
        invalid = form.is_bound and not form.is_valid()
        events = []
        older_url = ""
        if not invalid:
            page = list(
                access_events_search(**self.filters(), before=self.before())[: PAGE_SIZE + 1]
            )
            events = page[:PAGE_SIZE]
            if len(page) > PAGE_SIZE:
                query = self.request.GET.copy()
                query["before"] = str(events[-1].public_id)
                older_url = f"?{query.urlencode()}"
        export_query = self.request.GET.copy()
        export_query.pop("before", None)
        context.update(
            form=form,
            invalid=invalid,
            events=[(event, object_type_label(event.object_type)) for event in events],
            older_url=older_url,
            first_page=not self.request.GET.get("before"),
            export_url=f"{reverse('security_access_log_export')}?{export_query.urlencode()}",
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["invalid"]:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class AccessLogExportView(AccessLogView):
    """The access log, as filtered, as a CSV file. The export is itself recorded."""

    def get(self, request, *args, **kwargs):
        if self.form.is_bound and not self.form.is_valid():
            return redirect(f"{reverse('security_access_log')}?{request.GET.urlencode()}")
        events = access_events_search(**self.filters())
        access_record(request=request, action=AccessAction.EXPORT, object_type=ACCESS_LOG_EXPORT)
        rows = (
            (
                event.created_at.isoformat(),
                event.membership.user.full_name,
                event.membership.user.email,
                event.membership.organisation.name,
                event.membership.get_role_display(),
                event.get_action_display(),
                object_type_label(event.object_type),
                event.object_id or "",
                event.subject_id or "",
                event.get_channel_display(),
                event.route,
                event.ip_address or "",
            )
            for event in events.iterator(chunk_size=2000)
        )
        header = (
            "When",
            "Name",
            "Email",
            "Organisation",
            "Role",
            "Action",
            "What",
            "Record id",
            "Child's record id",
            "Through",
            "Page or endpoint",
            "Address",
        )
        return csv_response(filename="access-log.csv", header=header, rows=rows)


# --- Locked accounts and the partnership's settings -------------------------------------------


class LockedAccountsView(MembershipRequiredMixin, TemplateView):
    required_capability = "security.manage"
    template_name = "security/locked_accounts.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            locked=locked_memberships(), minutes=cool_off_minutes(), **kwargs
        )


class UnlockView(MembershipRequiredMixin, View):
    """Let a locked-out member sign in again now."""

    required_capability = "security.manage"

    def post(self, request, public_id):
        membership = membership_get(public_id=public_id)
        account_unlock(actor=request.membership, membership=membership)
        messages.success(request, f"{membership.user.full_name} can sign in again.")
        return redirect("security_locked_accounts")


class SecuritySettingsView(ServiceFormView):
    required_capability = "security.manage"
    template_name = "security/settings.html"
    form_class = SecuritySettingsForm
    success_message = "The security settings have been saved."

    def get_form_kwargs(self):
        # A form over a copy of the tenant, for its fields and validation (the service saves):
        # what was typed must not reach the request's own tenant before it is valid.
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Tenant.objects.get(pk=self.request.tenant.pk)
        return kwargs

    def perform(self, form):
        return tenant_set_security(
            actor=self.request.membership,
            mfa_required_for_everyone=form.cleaned_data["mfa_required_for_everyone"],
            session_idle_minutes=form.cleaned_data["session_idle_minutes"],
        )

    def success_url_for(self, tenant) -> str:
        return reverse("security_settings")
