"""GET /healthz: the container health check and a load balancer's probe.

Answers 200 "ok" when this process can reach its database and 503 otherwise. It needs no
sign-in, reveals nothing else and is exempt from the HTTPS redirect (production.py).
"""

import logging

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


# Not inside ATOMIC_REQUESTS: opening that transaction would fail before the view could say 503.
@transaction.non_atomic_requests
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", healthz, name="healthz")]
