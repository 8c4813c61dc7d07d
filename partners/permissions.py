"""Role checks for pages and the API, both reading partners.roles.can()."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from rest_framework import permissions

from partners.roles import can


class HasActiveMembership(permissions.BasePermission):
    """Signed in (session or token) with an active membership, and any capability the view names.

    A view names its capability as `required_capability`, or per action as a dict
    (`{"list": "organisations.view", "create": "organisations.manage"}`).
    """

    message = "You need an active membership of a partnership to use the API."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        membership = getattr(request, "membership", None)
        if membership is None:
            return False
        capability = required_capability(view, getattr(view, "action", None))
        if capability and not can(membership, capability):
            self.message = "Your role does not allow this."
            return False
        return True


def required_capability(view, action: str | None) -> str | None:
    required = getattr(view, "required_capability", None)
    if isinstance(required, dict):
        return required.get(action or "", required.get("default"))
    return required


class MembershipRequiredMixin(LoginRequiredMixin):
    """Pages: signed in, with an active membership, and the view's `required_capability`."""

    required_capability: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.membership is None:
            return redirect("choose_membership")
        if self.required_capability and not can(request.membership, self.required_capability):
            raise PermissionDenied("Your role does not allow this.")
        return super().dispatch(request, *args, **kwargs)
