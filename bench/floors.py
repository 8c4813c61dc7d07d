"""Floor views: what a read costs with none of the application's layers.

A floor view runs the SQL that the application's own request ran (recorded by the benchmark, see
bench/harness.py `record_floor`) through a raw cursor and returns the rows as JSON. Measured
behind the same gunicorn as the application's page, the ratio of the two shows what the
application's layers (middleware, authentication, permissions, ORM, serializers, templates)
cost on top of the database work. The statements come from a file the benchmark wrote under
var/bench/floors/, chosen by name; a request cannot send SQL.

`naive_decision_page` is the alternative the issue compares keyset pagination with: the Django
admin changelist's way, a COUNT(*) over the whole log and an OFFSET to the page asked for.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse

FLOORS_DIR = Path(settings.BASE_DIR) / "var" / "bench" / "floors"
_cache: dict[str, tuple[float, list[str]]] = {}


def _statements(name: str) -> list[str]:
    path = FLOORS_DIR / f"{name}.json"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise Http404("No floor recorded under that name.") from None
    cached = _cache.get(name)
    if cached is None or cached[0] != mtime:
        cached = (mtime, json.loads(path.read_text())["statements"])
        _cache[name] = cached
    return cached[1]


def floor(request, name: str) -> HttpResponse:
    results = []
    with connection.cursor() as cursor:
        for sql in _statements(name):
            cursor.execute(sql)
            results.append(cursor.fetchall())
    return HttpResponse(json.dumps(results, default=str), content_type="application/json")


def naive_decision_page(request) -> JsonResponse:
    """Page `page` (50 rows) of one partnership's log, the way the admin changelist pages."""
    from partners.models import Tenant
    from partners.tenancy import activate
    from sharing_log.models import SharingDecision

    tenant = Tenant.objects.filter(slug=request.GET.get("tenant", "")).first()
    if tenant is None:
        raise Http404("No such partnership.")
    with activate(tenant):
        decisions = SharingDecision.objects.select_related("organisation", "decided_by__user")
        page = Paginator(decisions.order_by("-decided_at", "-id"), 50).page(
            int(request.GET.get("page", "1"))
        )
        rows = [
            {
                "id": str(decision.public_id),
                "decided_at": decision.decided_at.isoformat(),
                "outcome": decision.outcome,
                "basis": decision.basis,
                "organisation": decision.organisation.name,
                "decided_by": decision.decided_by.user.full_name,
            }
            for decision in page.object_list
        ]
        return JsonResponse({"count": page.paginator.count, "results": rows})
