"""The authorization matrix of the children and consent pages (the consent API has its own).

The objects (made once per run by `consent_world`): an agreement in force with two consent
scopes; a pupil of the school, opened by its SENCo, with the council in the team around the
child (so the council's designated manager sees the record too); a parent's consent for
statutory assessment with its signed form attached. Everyone whose organisation is involved, and
the IG officer and auditor, read the record; only the SENCo and the IG officer record consent
(403 for the other roles); the outsider gets 404 for every object of ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.models import Agreement, ConsentScope
from consent import services
from consent.models import ConsentRecord, DataSubject, TeamMember
from partners.tenancy import activate
from tests.agreements.conftest import make_active
from tests.consent.conftest import born
from tests.factories import ConsentScopeFactory
from tests.security.matrix import EVERYONE, Page, World, page

RECORD = frozenset({"ig_officer", "senco"})


@dataclass
class ConsentWorld:
    agreement: Agreement
    scope: ConsentScope
    child: DataSubject
    consent: ConsentRecord
    member: TeamMember


def build(w: World) -> ConsentWorld:
    partnership = w.partnership
    officer, senco = w.member("ig_officer"), w.member("senco")
    with activate(partnership.tenant):
        agreement = make_active(partnership, officer, title="Consent matrix SEND protocol")
        scope = ConsentScopeFactory(agreement=agreement, name="Statutory assessment")
        ConsentScopeFactory(agreement=agreement, name="Early help", signed_form_required=False)
        child = services.subject_create(
            actor=senco,
            forenames="Matrix",
            surname="Childington",
            date_of_birth=born(9, 40),
            gender="female",
            current_setting=partnership.school,
        )
        member = services.team_member_add(
            actor=senco,
            subject=child,
            organisation=partnership.council,
            role="Social worker",
            person_name="Sam Worker",
        )
        consent = services.consent_record(
            actor=senco,
            subject=child,
            giver_kind="parent",
            giver_name="Jo Childington",
            giver_relationship="mother",
            scopes=[scope],
            recipients=[partnership.council],
            capture_method="signed_form",
            signed_form=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", "application/pdf"),
            given_on=timezone.localdate(),
        )
    return ConsentWorld(
        agreement=agreement, scope=scope, child=child, consent=consent, member=member
    )


def consent_world(w: World) -> ConsentWorld:
    return w.once("consent", build)


def _of(attribute: str):
    return lambda w: {"id": getattr(consent_world(w), attribute).public_id}


def _form(w: World) -> dict:
    world = consent_world(w)
    return {"id": world.child.public_id, "agreement_id": world.agreement.public_id}


PAGES: dict[str, Page] = {
    "consent:subject_find": Page(page(EVERYONE)),
    "consent:subject_create": Page(page(RECORD)),
    "consent:subject_detail": Page(page(EVERYONE, of_object=True), kwargs=_of("child")),
    "consent:subject_edit": Page(page(RECORD, of_object=True), kwargs=_of("child")),
    "consent:team_add": Page(page(RECORD, of_object=True), kwargs=_of("child")),
    "consent:team_end": Page(page(RECORD, of_object=True), kwargs=_of("member")),
    "consent:team_lead": Page(page(RECORD, of_object=True), kwargs=_of("member")),
    "consent:access_request_record": Page(page(RECORD, of_object=True), kwargs=_of("child")),
    "consent:consent_record": Page(page(RECORD, of_object=True), kwargs=_of("child")),
    "consent:consent_form_pdf": Page(page(EVERYONE, of_object=True), kwargs=_form),
    "consent:consents_due": Page(page(EVERYONE)),
    "consent:consent_detail": Page(page(EVERYONE, of_object=True), kwargs=_of("consent")),
    "consent:consent_review": Page(page(RECORD, of_object=True), kwargs=_of("consent")),
    "consent:consent_withdraw": Page(page(RECORD, of_object=True), kwargs=_of("consent")),
    "consent:consent_renew": Page(page(RECORD, of_object=True), kwargs=_of("consent")),
    "consent:consent_signed_form": Page(page(EVERYONE, of_object=True), kwargs=_of("consent")),
    "consent:consent_attach_form": Page(page(RECORD, of_object=True), kwargs=_of("consent")),
    "consent:consent_receipt_pdf": Page(page(EVERYONE, of_object=True), kwargs=_of("consent")),
}
