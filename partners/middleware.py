"""Binds the signed-in user's active membership, and so the tenant, to each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from partners.selectors import membership_for_user, memberships_for_user
from partners.tenancy import activate

SESSION_KEY = "sharewell_active_membership"


def select_active_membership(request: HttpRequest):
    """The membership named in the session, or the user's only membership when they have one."""
    user = request.user
    if not user.is_authenticated:
        return None
    chosen = membership_for_user(user=user, public_id=request.session.get(SESSION_KEY))
    if chosen is not None:
        return chosen
    memberships = list(memberships_for_user(user=user)[:2])
    if len(memberships) == 1:
        request.session[SESSION_KEY] = str(memberships[0].public_id)
        return memberships[0]
    return None


class ActiveMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = select_active_membership(request)
        request.membership = membership
        request.tenant = membership.tenant if membership else None
        # API token authentication may activate a tenant later in the request; resetting to the
        # value from before this request keeps the context clean for the next one either way.
        with activate(request.tenant):
            return self.get_response(request)
