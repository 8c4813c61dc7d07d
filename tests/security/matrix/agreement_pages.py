"""The authorization matrix of the agreement pages (the agreements API has its own entries).

The objects are the agreements of tests/agreements/page_helpers.py's `build_world`: a draft and a
consultation draft owned by the council, an active agreement (the council signed, the school
invited, a change out for consultation, an audit requested by the council) and one under
review. The school's SENCo and practitioner cannot see the drafts (404); the council's manager
reads them but may not edit them (403).
"""

from __future__ import annotations

from tests.agreements.page_helpers import World as AgreementWorld
from tests.agreements.page_helpers import build_world
from tests.security.matrix import EVERYONE, IG, Page, World, page

IG_AND_MANAGER = frozenset({"ig_officer", "manager"})


def agreements(w: World) -> AgreementWorld:
    return w.once("agreement_pages", lambda w: build_world(w.partnership))


def _of(attribute: str):
    return lambda w: {"public_id": getattr(agreements(w), attribute).public_id}


PAGES: dict[str, Page] = {
    "agreement_list": Page(page(EVERYONE)),
    "agreement_create": Page(page(IG)),
    "agreement_detail": Page(page(EVERYONE, of_object=True), kwargs=_of("active")),
    "agreement_edit": Page(
        page(IG, of_object=True, senco=404, practitioner=404), kwargs=_of("draft")
    ),
    "agreement_content_edit": Page(
        page(IG, of_object=True, senco=404, practitioner=404),
        kwargs=lambda w: {"public_id": agreements(w).draft.public_id, "section": "purposes"},
    ),
    "agreement_changes": Page(
        page(EVERYONE, of_object=True),
        kwargs=lambda w: {"public_id": agreements(w).active.public_id, "from_version": 1},
    ),
    "agreement_pdf": Page(page(EVERYONE, of_object=True), kwargs=_of("active")),
    "agreement_circulate": Page(page(IG, of_object=True), kwargs=_of("draft")),
    "agreement_return_to_draft": Page(page(IG, of_object=True), kwargs=_of("circulated")),
    "agreement_approve": Page(page(IG, of_object=True), kwargs=_of("circulated")),
    "agreement_start_review": Page(page(IG, of_object=True), kwargs=_of("active")),
    "agreement_supersede": Page(page(IG, of_object=True), kwargs=_of("active")),
    "agreement_expire": Page(page(IG, of_object=True), kwargs=_of("active")),
    "agreement_withdraw": Page(page(IG, of_object=True), kwargs=_of("active")),
    "signatory_invite": Page(page(IG, of_object=True), kwargs=_of("active")),
    "signatory_sign": Page(page(IG, of_object=True), kwargs=_of("school_invited")),
    "signatory_decline": Page(page(IG, of_object=True), kwargs=_of("school_invited")),
    "signatory_withdraw": Page(page(IG_AND_MANAGER, of_object=True), kwargs=_of("council_signed")),
    "consultation_open": Page(page(IG, of_object=True), kwargs=_of("reviewed")),
    "consultation_detail": Page(page(EVERYONE, of_object=True), kwargs=_of("consultation")),
    "consultation_respond": Page(page(IG_AND_MANAGER, of_object=True), kwargs=_of("consultation")),
    "consultation_approve": Page(page(IG, of_object=True), kwargs=_of("consultation")),
    "consultation_drop": Page(page(IG, of_object=True), kwargs=_of("consultation")),
    "review_detail": Page(page(EVERYONE, of_object=True), kwargs=_of("review")),
    "review_findings": Page(page(IG, of_object=True), kwargs=_of("review")),
    "review_report": Page(page(IG, of_object=True), kwargs=_of("review")),
    "review_action_add": Page(page(IG, of_object=True), kwargs=_of("review")),
    "review_complete": Page(page(IG, of_object=True), kwargs=_of("review")),
    "review_action_complete": Page(page(IG, of_object=True), kwargs=_of("action")),
    "audit_request_create": Page(page(IG_AND_MANAGER, of_object=True), kwargs=_of("active")),
    "audit_request_complete": Page(page(IG_AND_MANAGER, of_object=True), kwargs=_of("audit")),
    "audit_request_cancel": Page(page(IG_AND_MANAGER, of_object=True), kwargs=_of("audit")),
}
