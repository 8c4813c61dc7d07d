"""What every page's shell needs: service name, active membership, navigation for the role."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from partners.roles import can

# (label, url name, capability). Only entries whose capability the role has are shown, and the
# page behind each checks the same capability, so navigation and access cannot disagree.
NAVIGATION = [
    ("Home", "dashboard", "dashboard.view"),
    ("Organisations", "organisation_list", "organisations.view"),
    ("Agreements", "agreement_list", "agreements.view"),
    ("Children", "consent:subject_find", "consent.view"),
    ("Sharing log", "sharing_log:decision_list", "decisions.view"),
    ("Breaches", "breach_list", "breaches.view"),
    ("People", "membership_list", "memberships.view"),
    ("Due and overdue", "notifications_due", "dashboard.view"),
]


@cache
def _href(url_name: str, prefix: str, urlconf: str) -> str:
    """A navigation link, reversed once per URLconf and prefix rather than on every page (eight
    reverses were a tenth of the shell's time)."""
    return reverse(url_name, urlconf)


def navigation_for(request, membership) -> list[dict]:
    """The role's navigation items. `current` marks the item's own page (aria-current="page");
    `active` marks the section the page is in, such as an organisation under "Organisations"."""
    # view_name carries the namespace ("consent:subject_find"), as the entries do.
    current = request.resolver_match.view_name if request.resolver_match else None
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    items = []
    for label, url_name, capability in NAVIGATION:
        if not can(membership, capability):
            continue
        href = _href(url_name, prefix, urlconf)
        is_current = current == url_name
        in_section = href != "/" and request.path.startswith(href)
        items.append(
            {
                "text": label,
                "href": href,
                "current": is_current,
                "active": in_section and not is_current,
            }
        )
    return items


def shell(request) -> dict:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "service_name": settings.SHAREWELL_SERVICE_NAME,
        "active_membership": membership,
        "navigation": navigation_for(request, membership) if membership is not None else [],
        # Read with the active membership (partners.middleware).
        "has_several_memberships": signed_in and len(getattr(request, "user_memberships", ())) > 1,
    }
