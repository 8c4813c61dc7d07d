"""What every page's shell needs: service name, active membership, navigation for the role."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from partners.roles import can

# (label, url name, capability). Only entries whose capability the role has are shown, and the
# page behind each checks the same capability, so navigation and access cannot disagree.
NAVIGATION = [
    ("Home", "dashboard", "dashboard.view"),
    ("Organisations", "organisation_list", "organisations.view"),
]


def shell(request) -> dict:
    membership = getattr(request, "membership", None)
    items = []
    if membership is not None:
        current = request.resolver_match.url_name if request.resolver_match else None
        for label, url_name, capability in NAVIGATION:
            if can(membership, capability):
                items.append(
                    {"text": label, "href": reverse(url_name), "current": current == url_name}
                )
    return {
        "service_name": settings.SHAREWELL_SERVICE_NAME,
        "active_membership": membership,
        "navigation": items,
    }
