"""The agreements resource of the API. The register lists what the viewer may read, with its
filters; one agreement reads in full with its content, completeness and moves, and a draft
the viewer may not see is a 404 like one that never existed. Creating and editing replace
the content lists given, a bad item refusing the whole request, with the version check: a
stale save is a 409 and nothing is saved. The PDF downloads, and the register, an agreement
and the lists under it read in a fixed number of queries however many rows there are.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from agreements import services
from agreements.choices import InformationLevel
from agreements.models import Agreement, DataItem, Purpose
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.api_helpers import (
    LIST,
    active_agreement,
    draft_agreement,
    errors,
    fresh,
    patch,
    post,
    signed_by,
    today,
    url,
)
from tests.factories import AgreementFactory, OrganisationFactory, legal_basis

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(partnership):
    """The IG officer, without the conftest's active tenant: these tests act through requests,
    which activate it themselves."""
    return partnership.member(Role.IG_OFFICER)


# --- The register ----------------------------------------------------------------------------


def test_the_register_lists_what_the_viewer_may_read_with_filters(partnership, ig, client_for):
    isa = active_agreement(partnership, title="Kent and Medway ISA")
    draft = draft_agreement(partnership, title="Early help SOP (draft)", kind="sop")
    due = active_agreement(partnership, title="Schools protocol", kind="protocol")
    Agreement._base_manager.filter(pk=due.pk).update(next_review_date=today())

    def titles(client, query=""):
        response = client.get(f"{LIST}{query}")
        assert response.status_code == 200, response.content
        return {row["title"] for row in response.json()["results"]}

    assert titles(ig) == {isa.title, draft.title, due.title}
    assert titles(ig, "?kind=sop") == {draft.title}
    assert titles(ig, "?status=active") == {isa.title, due.title}
    assert titles(ig, "?review_due=true") == {due.title}
    assert titles(ig, "?review_due=false") == {isa.title, draft.title}
    assert titles(ig, "?search=medway") == {isa.title}
    # A practitioner at the school reads approved agreements only, not the council's draft.
    assert titles(client_for(partnership.member(Role.PRACTITIONER))) == {isa.title, due.title}
    bad = ig.get(f"{LIST}?status=pending")
    assert bad.status_code == 400 and "status" in errors(bad)


def test_an_agreement_in_full_with_its_content_completeness_and_moves(partnership, ig):
    isa = active_agreement(partnership, title="Kent and Medway ISA")

    response = ig.get(url(isa))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(isa.public_id)
    assert body["status"] == "active" and body["version_label"] == "V1.0"
    assert body["owner_organisation"] == str(partnership.council.public_id)
    assert [p["service"] for p in body["purposes"]] == ["SEN Assessment and Placement"]
    assert [item["name"] for item in body["data_items"]] == ["Date of birth"]
    assert [b["citation"] for b in body["legal_bases"]] == [
        "UK GDPR Article 6(1)(e)",
        "Children and Families Act 2014 Part 3",
    ]
    assert body["legal_bases"][0]["basis"] == str(legal_basis("uk-gdpr-6-1-e").public_id)
    assert {h["heading"] for h in body["completeness"] if h["required"]} >= {"purpose", "rights"}
    assert all(h["complete"] for h in body["completeness"] if h["required"])
    assert body["available_actions"] == ["start-review", "supersede", "expire", "withdraw"]
    assert body["can_edit"] is True


def test_a_draft_the_viewer_may_not_see_is_a_404_like_one_that_never_existed(
    partnership, client_for
):
    draft = draft_agreement(partnership)
    practitioner = client_for(partnership.member(Role.PRACTITIONER))

    hidden = practitioner.get(url(draft))
    missing = practitioner.get(f"{LIST}{uuid.uuid4()}/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    for path in (url(draft, "pdf"), url(draft, "signatories")):
        assert practitioner.get(path).status_code == 404
    assert patch(practitioner, url(draft), {"title": "x", "version": 1}).status_code == 404
    assert post(practitioner, url(draft, "withdraw"), {"reason": "x"}).status_code == 403


# --- Creating and editing --------------------------------------------------------------------


def test_the_ig_officer_drafts_an_agreement_with_its_content_lists(partnership, ig):
    parent = active_agreement(partnership, title="Kent and Medway ISA")

    response = post(
        ig,
        LIST,
        {
            "title": "SEND standard operating procedure",
            "kind": "sop",
            "owner_organisation": str(partnership.council.public_id),
            "parent": str(parent.public_id),
            "summary": "How SEND teams share.",
            "breach_notify_days": 3,
            "purposes": [
                {"service": "SEN Assessment", "description": "Statutory assessment."},
                {"service": "Annual review", "description": "EHC plan reviews."},
            ],
            "data_items": [{"level": "detailed", "name": "Health needs", "special_category": True}],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    agreement = Agreement._base_manager.get(public_id=body["id"])
    assert (agreement.status, agreement.parent, agreement.breach_notify_days) == (
        "draft",
        parent,
        3,
    )
    assert [p.service for p in Purpose._base_manager.filter(agreement=agreement)] == [
        "SEN Assessment",
        "Annual review",
    ]
    assert [p["service"] for p in body["purposes"]] == ["SEN Assessment", "Annual review"]
    assert body["data_items"][0]["special_category"] is True
    assert agreement.history.first().history_user == partnership.member(Role.IG_OFFICER).user


def test_a_bad_content_item_refuses_the_whole_create(partnership, ig):
    response = post(
        ig,
        LIST,
        {
            "title": "Refused agreement",
            "kind": "isa",
            "owner_organisation": str(partnership.council.public_id),
            "terms": [{"party": "all", "text": "Fine."}, {"party": "other", "text": "Whose?"}],
        },
    )

    assert response.status_code == 400, response.content
    assert "terms.1.party_name" in errors(response)
    assert not Agreement._base_manager.filter(title="Refused agreement").exists()


def test_an_edit_replaces_the_lists_given_keeping_items_by_id(partnership, ig):
    draft = draft_agreement(partnership, title="Early help protocol")
    before = ig.get(url(draft)).json()
    kept = before["purposes"][0]

    response = patch(
        ig,
        url(draft),
        {
            "version": before["version"],
            "title": "Early help protocol (revised)",
            "purposes": [
                {"service": "Family hubs", "description": "Support for families."},
                {**kept, "description": "Reworded."},
            ],
            "data_items": [],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Early help protocol (revised)"
    assert [(p["service"], p["description"]) for p in body["purposes"]] == [
        ("Family hubs", "Support for families."),
        ("SEN Assessment and Placement", "Reworded."),
    ]
    assert body["purposes"][1]["id"] == kept["id"]
    assert body["data_items"] == []
    # One new version for the fields and one for each list saved.
    assert body["version"] == before["version"] + 3


def test_a_stale_version_is_a_409_and_nothing_is_saved(partnership, ig):
    draft = draft_agreement(partnership, title="Early help protocol")
    version = ig.get(url(draft)).json()["version"]
    first = patch(ig, url(draft), {"version": version, "summary": "First tab's summary."})
    assert first.status_code == 200

    second = patch(
        ig,
        url(draft),
        {
            "version": version,
            "summary": "Second tab's summary.",
            "purposes": [{"service": "Lost", "description": "Lost."}],
        },
    )
    content_only = patch(
        ig, url(draft), {"version": version, "purposes": [{"service": "X", "description": "Y"}]}
    )

    assert second.status_code == 409, second.content
    assert second.json()["errors"][0]["code"] == "conflict"
    assert "Someone else changed this agreement" in second.json()["errors"][0]["detail"]
    assert content_only.status_code == 409
    agreement = fresh(draft)
    assert agreement.summary == "First tab's summary."
    assert not Purpose._base_manager.filter(agreement=draft, service__in=["Lost", "X"]).exists()


def test_an_edit_without_a_version_or_of_an_active_agreement_is_refused(partnership, ig):
    isa = active_agreement(partnership)
    version = fresh(isa).version

    no_version = patch(ig, url(isa), {"summary": "x"})
    active = patch(ig, url(isa), {"version": version, "summary": "x"})

    assert no_version.status_code == 400 and "version" in errors(no_version)
    assert active.status_code == 400
    assert "Start a review to change it." in active.json()["errors"][0]["detail"]
    assert fresh(isa).summary == "" and fresh(isa).version == version


def test_a_manager_edits_a_draft_of_their_organisation_only_when_granted(
    partnership, client_for, officer
):
    draft = draft_agreement(partnership)
    manager = partnership.member(Role.MANAGER)
    client = client_for(manager)

    refused = patch(client, url(draft), {"version": fresh(draft).version, "summary": "x"})
    assert refused.status_code == 403
    with activate(partnership.tenant):
        services.agreement_grant_editor(actor=officer, agreement=draft, membership=manager)
    allowed = patch(client, url(draft), {"version": fresh(draft).version, "summary": "Edited."})

    assert allowed.status_code == 200, allowed.content
    assert allowed.json()["can_edit"] is True
    assert fresh(draft).summary == "Edited."


def test_content_cites_only_legal_bases_available_to_the_partnership(
    partnership, other_partnership, ig
):
    with activate(other_partnership.tenant):
        theirs = services.legal_basis_add(
            actor=other_partnership.member(Role.IG_OFFICER),
            code="their-local-act",
            kind="statute",
            citation="Their Local Act 2020",
            title="Their power",
        )
    draft = draft_agreement(partnership)

    response = patch(
        ig,
        url(draft),
        {"version": fresh(draft).version, "legal_bases": [{"basis": str(theirs.public_id)}]},
    )
    listing = ig.get("/api/legal-bases/")

    assert response.status_code == 400
    assert "legal_bases.0.basis" in errors(response)
    assert listing.status_code == 200
    codes = {row["code"] for row in listing.json()}
    assert "uk-gdpr-6-1-e" in codes and "their-local-act" not in codes


# --- The PDF ---------------------------------------------------------------------------------


def test_the_pdf_downloads_with_the_agreement_and_its_signatures(partnership, client_for):
    isa = active_agreement(partnership, title="Kent and Medway ISA")
    signed_by(partnership, isa, partnership.school, name="Ann Head")

    response = client_for(partnership.member(Role.PRACTITIONER)).get(url(isa, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="kent-and-medway-isa-v1.pdf"'
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Kent and Medway ISA" in text and "Ann Head" in text


def test_the_pdf_route_answers_errors_in_json_even_to_a_pdf_client(partnership, client_for):
    draft = draft_agreement(partnership)
    practitioner = client_for(partnership.member(Role.PRACTITIONER))

    response = practitioner.get(url(draft, "pdf"), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "not_found"


# --- A fixed number of queries ---------------------------------------------------------------


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def test_the_register_reads_in_a_fixed_number_of_queries(partnership, ig):
    parent = active_agreement(partnership, title="Parent ISA")

    def add(count: int, start: int) -> None:
        with activate(partnership.tenant):
            for i in range(start, start + count):
                AgreementFactory(
                    tenant=partnership.tenant,
                    owner_organisation=partnership.school if i % 2 else partnership.council,
                    parent=parent,
                    title=f"Child agreement {i}",
                )

    add(2, 0)
    few = _queries(ig, LIST)
    add(27, 2)
    many = _queries(ig, LIST)

    assert len(ig.get(LIST).json()["results"]) == 30
    assert few == many, (few, many)


def test_an_agreement_reads_in_a_fixed_number_of_queries_however_much_content(partnership, ig):
    draft = draft_agreement(partnership)

    def add(count: int) -> None:
        with activate(partnership.tenant):
            for i in range(count):
                Purpose.objects.create(
                    tenant=partnership.tenant, agreement=draft, service=f"S{i}", description="D"
                )
                DataItem.objects.create(
                    tenant=partnership.tenant,
                    agreement=draft,
                    level=InformationLevel.MINIMUM,
                    name=f"Item {i}",
                )

    add(2)
    few = _queries(ig, url(draft))
    add(27)
    many = _queries(ig, url(draft))

    assert len(ig.get(url(draft)).json()["purposes"]) == 30
    assert few == many, (few, many)


def test_the_lists_under_an_agreement_read_in_a_fixed_number_of_queries(partnership, ig, officer):
    isa = active_agreement(partnership)

    def add(count: int) -> None:
        with activate(partnership.tenant):
            for _ in range(count):
                organisation = OrganisationFactory(tenant=partnership.tenant)
                signatory = services.signatory_invite(
                    actor=officer, agreement=isa, organisation=organisation
                )
                services.signatory_sign(
                    actor=officer,
                    signatory=signatory,
                    signer_name="A B",
                    signer_title="C",
                    typed_signature="A B",
                )

    add(3)
    few = _queries(ig, url(isa, "signatories"))
    add(27)
    many = _queries(ig, url(isa, "signatories"))

    assert few == many, (few, many)
