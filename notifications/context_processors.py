"""The header's count of unread notices."""

from __future__ import annotations

from functools import partial

from notifications.selectors import inbox_unread_count


def inbox(request) -> dict:
    """`unread_notice_count` for the page header: a callable, so the count query runs only on a
    page whose template shows it (templates call callables), never on an htmx fragment."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"unread_notice_count": 0}
    return {"unread_notice_count": partial(inbox_unread_count, membership=membership)}
