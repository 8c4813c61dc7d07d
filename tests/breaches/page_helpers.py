"""What the breach page tests share: a page's address, a breach's milestone of a kind, and a
client for each role signed in afresh."""

from __future__ import annotations

from django.urls import reverse

from breaches.models import Milestone


def url(name: str, obj=None, **kwargs) -> str:
    if obj is not None:
        kwargs["public_id"] = obj.public_id
    return reverse(name, kwargs=kwargs)


def milestone(breach, kind) -> Milestone:
    return Milestone.objects.get(breach=breach, kind=kind)


class Clients:
    """clients[role] (or "school_manager", "police_manager"): a client signed in as that person
    now. Signed in afresh each time, as the tests move the clock past a session's idle limit."""

    def __init__(self, world, client_for) -> None:
        self.world, self.client_for = world, client_for

    def __getitem__(self, who):
        if who in ("school_manager", "police_manager"):
            return self.client_for(getattr(self.world, who))
        return self.client_for(self.world.member(who))
