"""Binds the signed-in user's active membership, and so the tenant, to each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from partners.selectors import memberships_for_user
from partners.tenancy import activate

SESSION_KEY = "sharewell_active_membership"


def select_active_membership(request: HttpRequest):
    """The membership named in the session, or the user's only membership when they have one.

    The user's memberships are read whole, once (a person belongs to a partnership or a few):
    the page's shell asks whether there are several to switch between
    (`request.user_memberships`), and reading them here is one query where asking each was
    two, a tenth of the shell's time on every page."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = list(memberships_for_user(user=user))
    request.user_memberships = memberships
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if str(membership.public_id) == chosen:
            return membership
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
