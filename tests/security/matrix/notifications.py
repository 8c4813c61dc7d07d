"""The authorization matrix of the notifications app: each person's own inbox."""

from __future__ import annotations

from notifications.services import notify
from partners.roles import Role
from partners.tenancy import activate
from tests.security.matrix import Api, Page, World, api, page


def _senco_notice(w: World):
    with activate(w.tenant):
        (notice,) = notify(
            recipients=[w.member(Role.SENCO)],
            title="A consent is due for review",
            body="Review it this week.",
            link="/",
            reason="matrix",
            dedup_key="authorization-matrix",
            email=False,
        )
    return notice


def senco_notice(w: World):
    """A notice for the SENCo alone: everyone else, the IG officer too, gets a 404 for it."""
    return w.once("senco_notice", _senco_notice)


ONLY_THE_SENCO = frozenset({Role.SENCO})

PAGES: dict[str, Page] = {
    "notifications_inbox": Page(page()),
    # Everyone sees what would remind them; the IG officer and the auditor, everyone's.
    "notifications_due": Page(page()),
    "notifications_read_all": Page(page(ok=302), method="POST"),
    "notification_open": Page(
        page(ONLY_THE_SENCO, ok=302, denied=404, outsider=404),
        kwargs=lambda w: {"public_id": senco_notice(w).public_id},
        method="POST",
    ),
}

API: dict[str, Api] = {
    "GET /api/notifications/": Api(api()),
    "POST /api/notifications/read-all/": Api(api()),
    "GET /api/notifications/{id}/": Api(
        api(ONLY_THE_SENCO, denied=404, outsider=404),
        params=lambda w: {"id": senco_notice(w).public_id},
    ),
    "POST /api/notifications/{id}/read/": Api(
        api(ONLY_THE_SENCO, denied=404, outsider=404),
        params=lambda w: {"id": senco_notice(w).public_id},
    ),
}
