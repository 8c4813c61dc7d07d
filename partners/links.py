"""Links to many objects of one kind, for a table of them."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.urls import reverse

_ANY_ID = uuid.UUID(int=0)


def link_maker(view_name: str, kwarg: str) -> Callable[[uuid.UUID], str]:
    """A function from a public id to the URL of `view_name` for it: reversed once, the id put
    in for each row. Reversing for each of a table's fifty rows was a noticeable part of its
    time (docs/performance.md)."""
    pattern = reverse(view_name, kwargs={kwarg: _ANY_ID})
    placeholder = str(_ANY_ID)
    return lambda public_id: pattern.replace(placeholder, str(public_id))
