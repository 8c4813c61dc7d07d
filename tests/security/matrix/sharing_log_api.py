"""The authorization matrix of the sharing log API (/api/decisions/…, /api/inaccuracy-notices/…),
over the objects of the sharing log pages' matrix (tests/sharing_log/pages_world.py's
`build_world`): the school's share with the council on consent, with an inaccuracy notice to the
council, and a police request waiting for the designated manager (the partnership's manager).

Everyone reads the log and the decisions (each is the school's, about a child all of them may
see, or received by the council). Those who record decisions (manager, SENCo, practitioner) may
post one and correct one: an empty body is a 400. Only the designated manager approves the
override; only the council (the notice's recipient) acknowledges, by its IG officer or manager.
The outsider finds no object of ours (404). Decisions are never changed or removed: there is no
PUT, PATCH or DELETE operation (their 405 is tested in tests/sharing_log/test_api.py).
"""

from __future__ import annotations

from tests.security.matrix import EVERYONE, Api, World, api
from tests.security.matrix.sharing_log_pages import log

RECORDERS = frozenset({"manager", "senco", "practitioner"})
ACKNOWLEDGERS = frozenset({"ig_officer", "manager"})


def _of(attribute: str):
    return lambda w: {"id": getattr(log(w), attribute).public_id}


def _approve(w: World) -> dict:
    return {"outcome": "approved", "reasons": "Tried by the authorization matrix."}


D = "/api/decisions/{id}/"
N = "/api/inaccuracy-notices/{id}/"

API: dict[str, Api] = {
    "GET /api/decisions/": Api(api(EVERYONE)),
    "POST /api/decisions/": Api(api(RECORDERS, ok=400)),
    "POST /api/decisions/batch/": Api(api(RECORDERS, ok=400)),
    f"GET {D}": Api(api(EVERYONE, of_object=True), params=_of("share")),
    f"POST {D}supersede/": Api(api(RECORDERS, ok=400, of_object=True), params=_of("share")),
    f"POST {D}approval/": Api(
        api({"manager"}, ok=201, of_object=True, outsider=404),
        params=_of("override"),
        body=_approve,
    ),
    "GET /api/inaccuracy-notices/": Api(api(EVERYONE)),
    "POST /api/inaccuracy-notices/": Api(api(RECORDERS, ok=400)),
    f"GET {N}": Api(api(EVERYONE, of_object=True), params=_of("notice")),
    f"POST {N}acknowledge/": Api(api(ACKNOWLEDGERS, ok=201, of_object=True), params=_of("notice")),
}
