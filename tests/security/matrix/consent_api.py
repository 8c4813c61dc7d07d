"""The authorization matrix of the consent API (/api/subjects/…, /api/consents/…,
/api/consent-check/), over the objects of the consent pages' matrix. Reads are open to every
role whose organisation is involved with the child (all of them here); writes to the SENCo and
the IG officer. A write tried with an empty body is a 400 for whoever may make it; the outsider
gets 404 for every object of ours."""

from __future__ import annotations

from tests.security.matrix import EVERYONE, Api, World, api
from tests.security.matrix.consent_pages import RECORD, consent_world


def _ids(**names: str):
    return lambda w: {
        param: getattr(consent_world(w), name).public_id for param, name in names.items()
    }


CHILD = _ids(id="child")
CONSENT = _ids(id="consent")
FORM = _ids(id="child", agreement_id="agreement")


def _check(w: World) -> dict:
    return {
        "subject": str(consent_world(w).child.public_id),
        "purpose": "Statutory assessment",
        "third_party": "Dr A Patel",
    }


S = "/api/subjects/{id}/"
K = "/api/consents/{id}/"

API: dict[str, Api] = {
    "GET /api/subjects/": Api(api(EVERYONE)),
    "POST /api/subjects/": Api(api(RECORD, ok=400)),
    # No criterion finds nobody: 200 with an empty list.
    "POST /api/subjects/search/": Api(api(EVERYONE)),
    f"GET {S}": Api(api(EVERYONE, of_object=True), params=CHILD),
    f"PATCH {S}": Api(api(RECORD, ok=400, of_object=True), params=CHILD),
    f"GET {S}consents/": Api(api(EVERYONE, of_object=True), params=CHILD),
    f"POST {S}consents/": Api(api(RECORD, ok=400, of_object=True), params=CHILD),
    f"GET {S}consent-form/{{agreement_id}}/": Api(api(EVERYONE, of_object=True), params=FORM),
    f"GET {K}": Api(api(EVERYONE, of_object=True), params=CONSENT),
    f"POST {K}withdraw/": Api(api(RECORD, ok=400, of_object=True), params=CONSENT),
    # A review needs nothing but the button: it succeeds (and is rolled back).
    f"POST {K}review/": Api(api(RECORD, of_object=True), params=CONSENT),
    f"GET {K}receipt/": Api(api(EVERYONE, of_object=True), params=CONSENT),
    "POST /api/consent-check/": Api(api(EVERYONE, of_object=True), body=_check),
}
