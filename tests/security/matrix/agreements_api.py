"""The authorization matrix of the agreements API (/api/agreements/…, /api/legal-bases/).

The objects are those of the agreement pages' matrix (tests/agreements/page_helpers.py's
`build_world`, made once per run): `active` (the council signed, the school invited, a change out
for consultation) and `reviewed` (under review, with an action). Reads are open to every role;
writes to the IG officer, and signing and responding to a designated manager for their own
organisation (the council's manager here). A write tried with an empty body is a 400 for whoever
may make it; where a real body is given, it succeeds (and is rolled back).
"""

from __future__ import annotations

from tests.security.matrix import EVERYONE, IG, Api, World, api
from tests.security.matrix.agreement_pages import agreements

IG_AND_MANAGER = frozenset({"ig_officer", "manager"})


def _ids(**names: str):
    """URL parameters from the agreement world: {"id": "active", "review_id": "review"}."""
    return lambda w: {
        param: getattr(agreements(w), name).public_id for param, name in names.items()
    }


ACTIVE = _ids(id="active")
INVITED = _ids(id="active", signatory_id="school_invited")
SIGNED = _ids(id="active", signatory_id="council_signed")
CONSULTATION = _ids(id="active", consultation_id="consultation")
REVIEW = _ids(id="reviewed", review_id="review")
ACTION = _ids(id="reviewed", review_id="review", action_id="action")


def _reason(w: World) -> dict:
    return {"reason": "Tried by the authorization matrix"}


def _signature(w: World) -> dict:
    return {"signer_name": "Sam Signer", "signer_title": "Head", "typed_signature": "Sam Signer"}


A = "/api/agreements/{id}/"

API: dict[str, Api] = {
    "GET /api/agreements/": Api(api(EVERYONE)),
    "POST /api/agreements/": Api(api(IG, ok=400)),
    f"GET {A}": Api(api(EVERYONE, of_object=True), params=ACTIVE),
    f"PATCH {A}": Api(api(IG, ok=400, of_object=True), params=ACTIVE),
    f"GET {A}pdf/": Api(api(EVERYONE, of_object=True), params=ACTIVE),
    **{
        f"POST {A}{move}/": Api(api(IG, ok=400, of_object=True), params=ACTIVE)
        for move in (
            "submit-for-consultation",
            "return-to-draft",
            "approve",
            "start-review",
            "supersede",
            "expire",
            "withdraw",
        )
    },
    # Signatories.
    f"GET {A}signatories/": Api(api(EVERYONE, of_object=True), params=ACTIVE),
    f"POST {A}signatories/": Api(api(IG, ok=400, of_object=True), params=ACTIVE),
    f"GET {A}signatories/{{signatory_id}}/": Api(api(EVERYONE, of_object=True), params=INVITED),
    # The council's manager may sign and decline, but not for the school (invited).
    f"POST {A}signatories/{{signatory_id}}/sign/": Api(
        api(IG, of_object=True), params=INVITED, body=_signature
    ),
    f"POST {A}signatories/{{signatory_id}}/decline/": Api(
        api(IG, of_object=True), params=INVITED, body=_reason
    ),
    f"POST {A}signatories/{{signatory_id}}/withdraw/": Api(
        api(IG_AND_MANAGER, of_object=True), params=SIGNED, body=_reason
    ),
    # Change consultations: the IG officer and the council's manager respond for the council.
    f"GET {A}consultations/": Api(api(EVERYONE, of_object=True), params=ACTIVE),
    f"POST {A}consultations/": Api(api(IG, ok=400, of_object=True), params=ACTIVE),
    f"GET {A}consultations/{{consultation_id}}/": Api(
        api(EVERYONE, of_object=True), params=CONSULTATION
    ),
    f"POST {A}consultations/{{consultation_id}}/respond/": Api(
        api(IG_AND_MANAGER, of_object=True),
        params=CONSULTATION,
        body=lambda w: {"reply": "agree"},
    ),
    f"POST {A}consultations/{{consultation_id}}/approve/": Api(
        api(IG, ok=400, of_object=True), params=CONSULTATION
    ),
    f"POST {A}consultations/{{consultation_id}}/drop/": Api(
        api(IG, of_object=True), params=CONSULTATION, body=_reason
    ),
    # Reviews.
    f"GET {A}reviews/": Api(api(EVERYONE, of_object=True), params=_ids(id="reviewed")),
    f"POST {A}reviews/": Api(api(IG, ok=400, of_object=True), params=_ids(id="reviewed")),
    f"GET {A}reviews/{{review_id}}/": Api(api(EVERYONE, of_object=True), params=REVIEW),
    **{
        f"POST {A}reviews/{{review_id}}/{step}/": Api(
            api(IG, ok=400, of_object=True), params=REVIEW
        )
        for step in ("findings", "report", "complete", "actions")
    },
    f"POST {A}reviews/{{review_id}}/actions/{{action_id}}/complete/": Api(
        api(IG, of_object=True), params=ACTION
    ),
    "GET /api/legal-bases/": Api(api(EVERYONE)),
}
