"""The client's address, for lockout and the access audit.

Without proxies the address is the connection's own (REMOTE_ADDR): X-Forwarded-For is a header
anyone can send, so trusting it would let an attacker pick the address their failures count
against. Behind SHAREWELL_TRUSTED_PROXY_COUNT proxies, each of which appends the address it
received the request from, the client's address is that many entries from the right.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    hops = settings.SHAREWELL_TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return _valid(forwarded[-hops])
    return _valid(request.META.get("REMOTE_ADDR"))


def user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:200]
