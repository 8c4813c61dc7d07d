"""The authorization matrix of the breach pages (the breaches API has its own entries).

The objects are those of tests/breaches/pages_world.py: a personal data breach of the council's
agreement by the school, reported by the council's manager, with its meeting held. The IG officer
records any step; the council's manager records the council's (telling partners, the meeting, the
ICO assessment, withdrawing the report) but not the school's (distributing its report: 403);
the auditor reads; the SENCo and the practitioner have no breach pages (403). Closing a breach is
the IG officer's alone.
"""

from __future__ import annotations

from tests.breaches.pages_world import PagesWorld, build_pages_world
from tests.security.matrix import IG, Page, World, page

IG_AND_MANAGER = frozenset({"ig_officer", "manager"})
READERS = frozenset({"ig_officer", "manager", "auditor"})


def breaches(w: World) -> PagesWorld:
    return w.once("breach_pages", lambda w: build_pages_world(w.partnership))


def _of(attribute: str):
    return lambda w: {"public_id": getattr(breaches(w), attribute).public_id}


BREACH = _of("breach")

PAGES: dict[str, Page] = {
    "breach_list": Page(page(READERS)),
    "breach_report": Page(page(IG_AND_MANAGER)),
    "breach_detail": Page(page(READERS, of_object=True), kwargs=BREACH),
    "breach_close": Page(page(IG, of_object=True), kwargs=BREACH),
    "breach_withdraw": Page(page(IG_AND_MANAGER, of_object=True), kwargs=BREACH),
    "breach_partner_told": Page(page(IG_AND_MANAGER, of_object=True), kwargs=_of("untold")),
    "breach_partner_acknowledged": Page(page(IG_AND_MANAGER, of_object=True), kwargs=_of("told")),
    "breach_milestone_complete": Page(page(IG, of_object=True), kwargs=_of("distributed")),
    "breach_milestone_evidence": Page(page(READERS, of_object=True), kwargs=_of("distributed")),
    **{
        name: Page(page(IG_AND_MANAGER, of_object=True), kwargs=BREACH)
        for name in (
            "breach_meeting_schedule",
            "breach_meeting_held",
            "breach_meeting_attendee",
            "breach_meeting_presented",
            "breach_meeting_withdrew",
            "breach_meeting_decide",
            "breach_meeting_recalled",
            "breach_meeting_minutes",
            "breach_meeting_circulate",
            "breach_action_add",
            "breach_ico_decide",
            "breach_ico_reported",
            "breach_ico_people_told",
            "indemnity_notify",
        )
    },
    "breach_minutes_file": Page(page(READERS, of_object=True), kwargs=_of("meeting")),
    "breach_action_complete": Page(page(IG_AND_MANAGER, of_object=True), kwargs=_of("action")),
    "indemnity_detail": Page(page(READERS, of_object=True), kwargs=_of("event")),
    "indemnity_response": Page(page(IG_AND_MANAGER, of_object=True), kwargs=_of("event")),
    "indemnity_response_file": Page(page(READERS, of_object=True), kwargs=_of("event")),
}
