"""Every route, tried by every kind of caller, answers what the matrix says.

Page routes come from Django's URL resolver and API operations from the OpenAPI schema, so a
route added anywhere is found here. Each is tried as anonymous, as each role of one partnership
and as the IG officer of another partnership (the outsider), and the status must be the one
declared in tests/security/matrix/<app>.py. A route with no entry fails
`test_every_route_has_an_entry_in_the_matrix`, which prints the entry to add.

Each request runs in a savepoint that is rolled back, so every caller finds the same objects
(an IG officer deactivating someone does not change what the auditor is shown next).

Every URL visited, and every redirect, is also checked for anything that looks like a child's
identifier or an email address: those never belong in a URL.
"""

from __future__ import annotations

import copy
import functools
import importlib
import pkgutil
import re
import time
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from tests.security import matrix
from tests.security.matrix import CALLERS, ROLES, Page, World

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
# Resolver routes under /api/ that are not operations of the schema (they serve it).
API_PAGES = {"api_schema", "api_docs"}


# --- The matrix and the routes ---------------------------------------------------------------


def _modules():
    for info in pkgutil.iter_modules(matrix.__path__):
        yield importlib.import_module(f"{matrix.__name__}.{info.name}")


def _merged(attribute: str) -> dict:
    merged: dict = {}
    for module in _modules():
        for key, entry in getattr(module, attribute, {}).items():
            assert key not in merged, f"{key} has two entries in tests/security/matrix/"
            merged[key] = entry
    return merged


@dataclass(frozen=True)
class Route:
    key: str  # the URL name (with its namespace), or the path for an unnamed route
    path: str
    pattern: object
    view: str


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            joined = (
                f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else inner
            )
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), joined)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            view = getattr(callback, "cls", None) or getattr(callback, "view_class", callback)
            path = prefix + str(pattern.pattern)
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                # An unnamed route is known by its path (within its namespace, if any).
                key = f"{namespace}:{path}" if namespace else path
            yield Route(
                key=key,
                path=path,
                pattern=pattern,
                view=f"{view.__module__}.{getattr(view, '__qualname__', view)}",
            )


def _schema_path(route_path: str) -> str:
    return "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route_path)


@functools.cache
def api_operations() -> tuple[str, ...]:
    """Every operation of the OpenAPI schema, as "METHOD /path/" (read once per run)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return tuple(
        sorted(
            f"{method.upper()} {path}"
            for path, operations in schema["paths"].items()
            for method in operations
            if method in METHODS
        )
    )


def page_routes(operations: tuple[str, ...]) -> list[Route]:
    schema_paths = {operation.split(" ", 1)[1] for operation in operations}
    routes = []
    for route in _walk(get_resolver().url_patterns):
        is_operation = route.path.startswith("api/") and _schema_path(route.path) in schema_paths
        if not is_operation:
            routes.append(route)
    return routes


def _page_entry(route: Route, pages: dict, namespaces: dict) -> Page | None:
    if route.key in pages:
        return pages[route.key]
    namespace = route.key.split(":", 1)[0] if ":" in route.key else None
    return namespaces.get(namespace) if namespace else None


def _suggestion(route: Route) -> str:
    params = re.findall(r"<(?:[^:>]+:)?([^>]+)>", route.path)
    kwargs = ""
    if params:
        inner = ", ".join(f'"{p}": w.<object>.public_id' for p in params)
        kwargs = f", kwargs=lambda w: {{{inner}}}"
    return (
        f'    "{route.key}": Page(page(<roles>{", of_object=True" if params else ""}){kwargs}),'
        f"  # /{route.path} → {route.view}"
    )


def test_every_route_has_an_entry_in_the_matrix():
    operations = api_operations()
    pages, namespaces, apis = _merged("PAGES"), _merged("NAMESPACES"), _merged("API")

    missing_pages = [r for r in page_routes(operations) if not _page_entry(r, pages, namespaces)]
    missing_api = [op for op in operations if op not in apis]
    api_routes = [r for r in _walk(get_resolver().url_patterns) if r.path.startswith("api/")]
    outside_schema = [
        r.key
        for r in api_routes
        if r.key not in API_PAGES
        and _schema_path(r.path) not in {o.split(" ", 1)[1] for o in operations}
    ]

    problems = []
    if missing_pages:
        problems.append(
            "Pages with no entry: add each to PAGES in tests/security/matrix/<app>.py, with the "
            "roles that may use it (see tests/security/matrix/__init__.py):\n"
            + "\n".join(_suggestion(r) for r in missing_pages)
        )
    if missing_api:
        problems.append(
            "API operations with no entry: add each to API in tests/security/matrix/<app>.py:\n"
            + "\n".join(f'    "{op}": Api(api(<roles>), params=...),' for op in missing_api)
        )
    if outside_schema:
        problems.append(
            f"API routes missing from the OpenAPI schema (so untested): {outside_schema}"
        )
    assert not problems, "\n\n".join(problems)
    stale_pages = set(pages) - {r.key for r in _walk(get_resolver().url_patterns)}
    stale_api = set(apis) - set(operations)
    assert not stale_pages | stale_api, (
        f"Matrix entries for routes that no longer exist: {sorted(stale_pages | stale_api)}"
    )


# --- Trying every route as everyone ------------------------------------------------------------

# What never belongs in a URL: an email address, an NHS number, a Unique Pupil Number.
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
IDENTIFIERS = {
    "an email address": re.compile(r"[^/@?&=\s]+@[^/@?&=\s]+\.[a-z]{2,}", re.I),
    "an NHS number": re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)"),
    "a Unique Pupil Number": re.compile(r"(?<![A-Z0-9])[A-Z]\d{11}[0-9A-Z](?![A-Z0-9])"),
}


def identifiers_in(url: str) -> list[str]:
    text = UUID.sub("", unquote(url))
    return [name for name, pattern in IDENTIFIERS.items() if pattern.search(text)]


def test_the_url_check_finds_identifiers():
    assert identifiers_in("/children/?q=jo.bloggs%40example.org") == ["an email address"]
    assert identifiers_in("/children/943 476 5919/") == ["an NHS number"]
    assert identifiers_in("/pupils/A123456789012/") == ["a Unique Pupil Number"]
    assert identifiers_in(f"/children/{'1234567890ab'.rjust(36, '0')}/") == []
    assert identifiers_in("/agreements/0b5e0f2c-1d1c-4c53-9a1e-123456789012/") == []


class _Rollback(Exception):
    def __init__(self, response) -> None:
        self.response = response


def send(client: Client, method: str, url: str, body: dict | None, api: bool):
    """One request, in a savepoint rolled back afterwards, with the client's cookies restored
    (signing out or switching partnership must not change the next request's caller)."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            call = getattr(client, method.lower())
            if api:
                response = call(url, data=body or {}, content_type="application/json")
            else:
                response = call(url, data=body or {})
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            raise _Rollback(response)
    except _Rollback as rollback:
        response = rollback.response
    finally:
        client.cookies = cookies
    return response


@pytest.fixture
def world(partnership, outsider, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    return World(partnership=partnership, outsider=outsider)


@pytest.fixture
def callers(world, client_for) -> dict[str, Client]:
    clients = {"anonymous": Client(), "outsider": client_for(world.outsider)}
    clients.update({role: client_for(world.member(role)) for role in ROLES})
    return clients


def _default_kwargs(route: Route) -> dict:
    """Values for a route the matrix covers by namespace (the platform admin's)."""
    kwargs = {}
    for name in re.findall(r"<(?:[^:>]+:)?([^>]+)>", route.path):
        kwargs[name] = "1"
    for name in re.findall(r"\(\?P<([^>]+)>", route.path):
        kwargs[name] = "partners" if name == "app_label" else "nothing-here/"
    return kwargs


def url_for(route: Route, kwargs: dict) -> str:
    if route.pattern.name:
        return reverse(route.key, kwargs=kwargs)
    # An unnamed route: fill its path in by hand.
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(kwargs[m.group(1)]), route.path)
    path = re.sub(r"\(\?P<([^>]+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "")


def test_every_route_answers_every_caller_as_the_matrix_says(world, callers, record_property):
    started = time.monotonic()
    operations = api_operations()
    pages, namespaces, apis = _merged("PAGES"), _merged("NAMESPACES"), _merged("API")
    failures: list[str] = []
    tried = routes = 0

    def check(key: str, url: str, who: str, response, expected: int, login_url: str | None):
        nonlocal tried
        tried += 1
        if response.status_code != expected:
            failures.append(f"{key} as {who}: {response.status_code}, expected {expected}")
        location = response.get("Location", "")
        anonymous_redirect = who == "anonymous" and response.status_code == 302
        if login_url and anonymous_redirect and not location.startswith(login_url):
            failures.append(f"{key} as anonymous: redirected to {location}, not {login_url}")
        for where in (url, location):
            for found in identifiers_in(where):
                failures.append(f"{key} as {who}: {found} in the URL {where}")

    for route in page_routes(operations):
        entry = _page_entry(route, pages, namespaces)
        if entry is None:
            continue  # reported by test_every_route_has_an_entry_in_the_matrix
        routes += 1
        kwargs = entry.kwargs(world) if entry.kwargs else {}
        if not kwargs and route.key not in pages:
            kwargs = _default_kwargs(route)
        url = url_for(route, kwargs)
        data = entry.data(world) if entry.data else None
        for who in entry.callers:
            response = send(callers[who], entry.method, url, data, api=False)
            check(route.key, url, who, response, entry.expect[who], entry.login_url)

    for operation in operations:
        entry = apis.get(operation)
        if entry is None:
            continue
        routes += 1
        method, path = operation.split(" ", 1)
        params = entry.params(world) if entry.params else {}
        url = path.format(**params)
        body = entry.body(world) if entry.body else None
        for who in CALLERS:
            response = send(callers[who], method, url, body, api=True)
            check(operation, url, who, response, entry.expect[who], None)

    elapsed = time.monotonic() - started
    summary = (
        f"authorization matrix: {routes} routes x up to {len(CALLERS)} callers "
        f"(anonymous, {len(ROLES)} roles, another partnership) = {tried} requests "
        f"in {elapsed:.1f}s"
    )
    MATRIX_SUMMARY.append(summary)
    record_property("authorization_matrix", summary)
    print(summary)
    assert not failures, f"{len(failures)} answer(s) differ from the matrix:\n" + "\n".join(
        failures
    )


MATRIX_SUMMARY: list[str] = []
