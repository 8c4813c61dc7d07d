"""The tenant-isolation check every route of every app goes through.

`assert_tenant_isolated(client, obj, ...)` proves, for a client acting in ANOTHER tenant than
`obj`'s, that the object does not exist for it:

- each detail URL answers 404 to GET (for a JSON API, with the very body an id that never
  existed gets, so "not yours" and "missing" cannot be told apart);
- each write request (method, url, data) answers 404 and changes nothing in the object's row;
- each list URL answers 200 and its body never contains the object's public id or name (nor any
  other marker given), raw or as HTML or JSON would escape it.

It works for pages and the API alike, with a session client or a token client. A client that is
not signed in cannot pass by accident: redirects and 401s are failures too. Narrow list URLs with
a search for part of the object's name, so that a leak would land on the first page (not the
whole name: a page that echoes its search box would show it, and that counts as a leak).
All failures are collected and reported together.
"""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.db import models

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def _row(obj: models.Model) -> dict[str, Any] | None:
    """The object's row as stored now, read past the tenant-scoped manager."""
    found = type(obj)._base_manager.filter(pk=obj.pk).first()
    if found is None:
        return None
    return {field.attname: getattr(found, field.attname) for field in found._meta.concrete_fields}


def _markers(obj: models.Model, extra: Iterable[str]) -> list[str]:
    markers = [str(getattr(obj, "public_id", "")), getattr(obj, "name", None) or str(obj)]
    markers.extend(extra)
    return [m for m in markers if m]


def _spellings(marker: str) -> set[str]:
    """A marker as it can appear in a body: raw, HTML-escaped, JSON-escaped."""
    return {
        marker,
        html.escape(marker),
        html.escape(marker, quote=False),
        json.dumps(marker)[1:-1],
        json.dumps(marker, ensure_ascii=False)[1:-1],
    }


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(response.charset or "utf-8", errors="replace")


def _send(client, method: str, url: str, data: Any, content_type: str | None):
    """JSON for /api/ URLs, a form for pages, unless the request names its content type."""
    send = getattr(client, method.lower())
    if content_type is None:
        content_type = JSON if url.startswith("/api/") else FORM
    if content_type == JSON:
        return send(url, data={} if data is None else data, content_type=JSON)
    if content_type == FORM:
        # Django's test client form-encodes only POST; any other method gets the same body.
        if method.upper() == "POST":
            return send(url, data=data or {})
        return send(url, data=urlencode(data or {}, doseq=True), content_type=FORM)
    return send(url, data=data or "", content_type=content_type)


def _never_existed(url: str, obj: models.Model) -> str | None:
    public_id = str(getattr(obj, "public_id", ""))
    if not public_id or public_id not in url:
        return None
    return url.replace(public_id, str(uuid.uuid4()))


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith(JSON)


def assert_tenant_isolated(
    client,
    obj: models.Model,
    *,
    detail_urls: Sequence[str] = (),
    list_urls: Sequence[str] = (),
    write_requests: Sequence[tuple] = (),
    markers: Iterable[str] = (),
) -> None:
    """Fail unless `obj` is invisible and untouchable through every route given.

    `write_requests` holds (method, url, data) or (method, url, data, content_type); the body is
    JSON for /api/ URLs and a form otherwise unless a content type is given.
    """
    assert detail_urls or list_urls or write_requests, "Give at least one route to check."
    failures: list[str] = []
    obj_markers = _markers(obj, markers)

    for url in detail_urls:
        response = client.get(url)
        if response.status_code != 404:
            failures.append(f"GET {url} answered {response.status_code}, not 404")
            continue
        fresh_url = _never_existed(url, obj)
        if fresh_url and _is_json(response):
            missing = client.get(fresh_url)
            if (missing.status_code, _body(missing)) != (404, _body(response)):
                failures.append(
                    f"GET {url} answered 404 but unlike an id that never existed: "
                    f"{_body(response)!r} vs {missing.status_code} {_body(missing)!r}"
                )

    for write in write_requests:
        method, url, data, *rest = write
        before = _row(obj)
        response = _send(client, method, url, data, rest[0] if rest else None)
        after = _row(obj)
        if response.status_code != 404:
            failures.append(f"{method.upper()} {url} answered {response.status_code}, not 404")
        if after != before:
            failures.append(f"{method.upper()} {url} changed the object: {before!r} -> {after!r}")

    for url in list_urls:
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"GET {url} answered {response.status_code}, not 200")
            continue
        body = _body(response)
        for marker in obj_markers:
            if any(spelling in body for spelling in _spellings(marker)):
                failures.append(f"GET {url} shows another tenant's object: {marker!r}")

    if failures:
        raise AssertionError(
            f"{type(obj).__name__} {obj_markers[0]!r} of another tenant is not isolated:\n  - "
            + "\n  - ".join(failures)
        )
