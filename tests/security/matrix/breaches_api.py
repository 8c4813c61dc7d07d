"""The authorization matrix of the breaches API (/api/breaches/…).

The objects are those of the breach pages' matrix (tests/breaches/pages_world.py, made once per
run): a personal data breach by the school, reported by the council's manager, its meeting held.
Reads are open to the IG officer, the council's manager (a party to it) and the auditor; writes
to the IG officer and managers. A write tried with an empty body is a 400 for whoever may make
it: the body is checked before the rule of whose step it is (which the services test).
"""

from __future__ import annotations

from tests.security.matrix import Api, api
from tests.security.matrix.breach_pages import IG_AND_MANAGER, READERS, breaches


def _ids(**names: str):
    """URL parameters from the breach world: {"id": "breach", "milestone_id": "distributed"}."""
    return lambda w: {param: getattr(breaches(w), name).public_id for param, name in names.items()}


BREACH = _ids(id="breach")
B = "/api/breaches/{id}/"

API: dict[str, Api] = {
    "GET /api/breaches/": Api(api(READERS)),
    "POST /api/breaches/": Api(api(IG_AND_MANAGER, ok=400)),
    f"GET {B}": Api(api(READERS, of_object=True), params=BREACH),
    f"GET {B}milestones/": Api(api(READERS, of_object=True), params=BREACH),
    f"GET {B}milestones/{{milestone_id}}/": Api(
        api(READERS, of_object=True), params=_ids(id="breach", milestone_id="distributed")
    ),
    f"POST {B}milestones/{{milestone_id}}/complete/": Api(
        api(IG_AND_MANAGER, ok=400, of_object=True),
        params=_ids(id="breach", milestone_id="distributed"),
    ),
    f"GET {B}partners/": Api(api(READERS, of_object=True), params=BREACH),
    f"POST {B}partners/{{partner_id}}/told/": Api(
        api(IG_AND_MANAGER, ok=400, of_object=True), params=_ids(id="breach", partner_id="untold")
    ),
    f"POST {B}partners/{{partner_id}}/acknowledged/": Api(
        api(IG_AND_MANAGER, ok=400, of_object=True), params=_ids(id="breach", partner_id="told")
    ),
    f"GET {B}meeting/": Api(api(READERS, of_object=True), params=BREACH),
    **{
        f"POST {B}meeting/{step}/": Api(api(IG_AND_MANAGER, ok=400, of_object=True), params=BREACH)
        for step in (
            "schedule",
            "held",
            "attendees",
            "presented",
            "withdrew",
            "decision",
            "recalled",
            "actions",
            "minutes",
            "circulated",
        )
    },
}
