"""An agreement's own page and the moves made from it: its tabs, document control,
signatories and consultations, each heading complete or missing, related agreements (a
parent the viewer cannot read is not named), a readable history and the changes between
versions. Only the legal moves are offered; each move is its own page calling its own
service, and an illegal, incomplete, stale or unexplained move is refused with the rule's
message and changes nothing. The PDF downloads named by title and version.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from pypdf import PdfReader

from agreements import services
from agreements.models import Purpose, Review, Term
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_active
from tests.agreements.page_helpers import date_parts, url, visible_text, visible_text_of
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(partnership):
    """The IG officer, without the conftest's active tenant: these tests act through requests,
    which activate it themselves."""
    return partnership.member(Role.IG_OFFICER)


# --- The agreement's page ------------------------------------------------------------------


def test_the_agreement_page_has_its_tabs(world, clients):
    response = clients[Role.IG_OFFICER].get(url("agreement_detail", world.active))

    html = response.content.decode()
    tabs = re.findall(r'<a class="govuk-tabs__tab" href="#([a-z]+)">([^<]+)</a>', html)
    assert [label for _, label in tabs] == [
        "Summary",
        "Content",
        "Signatories",
        "Consultations",
        "Reviews and audits",
        "Completeness",
        "Related agreements",
        "History",
    ]
    for anchor, _ in tabs:
        assert f'id="{anchor}"' in html


def test_the_agreement_page_shows_document_control_signatories_and_consultations(world, clients):
    text = visible_text(clients[Role.SENCO].get(url("agreement_detail", world.active)))

    assert "Reference KM-ISA" in text or "KM-ISA" in text
    assert "V1.0" in text
    # Signatories: who signed, with name, title and date, and the counts over time.
    assert "Pat Director, Director of Children's Services" in text
    assert "1 organisation has signed" in text
    assert "Signatories over time" in text
    # The consultation and its tally.
    assert "Add police as a partner" in text
    assert "0 agree, 0 object, 0 comment, 1 yet to respond" in text
    # Reviews and audit requests.
    assert "Internal audit" in text


def test_the_completeness_tab_tags_complete_and_missing_headings(partnership, clients):
    with activate(partnership.tenant):
        agreement = AgreementFactory(
            tenant=partnership.tenant, owner_organisation=partnership.council
        )
        Purpose.objects.create(
            tenant=partnership.tenant, agreement=agreement, service="SEN", description="Plans"
        )

    html = clients[Role.IG_OFFICER].get(url("agreement_detail", agreement)).content.decode()

    panel = html.split('id="completeness"', 1)[1].split("govuk-tabs__panel", 1)[0]
    items = re.findall(r'<li class="govuk-task-list__item">(.*?)</li>', panel, re.S)
    tags = {
        visible_text_of(re.search(r'<span class="govuk-body[^"]*">(.*?)</span>', item).group(1)): (
            visible_text_of(re.search(r"<strong[^>]*>(.*?)</strong>", item).group(1))
        )
        for item in items
    }
    assert tags["Purpose of the sharing"] == "Complete"
    assert tags["Lawful basis and legal power"] == "Missing"
    assert tags["Further details (optional)"] == "Missing"
    assert len(tags) == 8
    assert "Cite a UK GDPR Article 6 lawful basis." in panel
    assert "cannot be approved until every required heading is covered" in panel


def test_a_child_agreement_shows_the_terms_it_inherits_and_the_parent_lists_it(
    world, partnership, officer, clients
):
    with activate(partnership.tenant):
        child = AgreementFactory(
            tenant=partnership.tenant,
            kind="sop",
            parent=world.active,
            title="SEND SOP",
            owner_organisation=partnership.council,
        )
        Term.objects.create(
            tenant=partnership.tenant, agreement=world.active, party="schools", text="Golden rule 7"
        )
    client = clients[Role.IG_OFFICER]

    child_html = client.get(url("agreement_detail", child)).content.decode()
    parent_html = client.get(url("agreement_detail", world.active)).content.decode()

    related = child_html.split('id="related"', 1)[1]
    assert "Kent and Medway ISA" in related
    assert "Golden rule 7" in related
    assert "SEND SOP" in parent_html.split('id="related"', 1)[1]


def test_a_parent_the_viewer_cannot_read_is_not_named(partnership, officer, clients):
    with activate(partnership.tenant):
        parent = AgreementFactory(
            tenant=partnership.tenant,
            title="Unpublished partnership agreement",
            owner_organisation=partnership.council,
        )
        child = make_active(partnership, officer, title="Published procedure", parent=parent)
    client = clients[Role.PRACTITIONER]

    register = client.get(url("agreement_list")).content.decode()
    page = client.get(url("agreement_detail", child)).content.decode()
    summary = page.split('id="summary"', 1)[1].split('id="content"', 1)[0]
    related = page.split('id="related"', 1)[1].split('id="history"', 1)[0]

    assert "Published procedure" in register
    assert "Unpublished partnership agreement" not in register + summary + related
    assert "An agreement you cannot see yet" in summary
    officer_page = clients[Role.IG_OFFICER].get(url("agreement_detail", child)).content.decode()
    assert "Unpublished partnership agreement" in officer_page


def test_the_history_tab_shows_a_readable_diff(world, partnership, officer, clients):
    with activate(partnership.tenant):
        services.agreement_update(
            actor=officer,
            agreement=world.draft,
            expected_version=world.draft.version,
            security="Encrypted email only.",
        )

    html = clients[Role.IG_OFFICER].get(url("agreement_detail", world.draft)).content.decode()

    history = visible_text_of(html.split('id="history"', 1)[1])
    assert "Agreement details: changed" in history
    assert "Security" in history
    assert "Encrypted email only." in history
    assert "by Information governance officer of Kent and Medway" in history


def test_only_the_legal_moves_are_offered(world, clients):
    client = clients[Role.IG_OFFICER]

    draft = client.get(url("agreement_detail", world.draft)).content.decode()
    active = client.get(url("agreement_detail", world.active)).content.decode()

    assert url("agreement_circulate", world.draft) in draft
    assert url("agreement_withdraw", world.draft) in draft
    assert url("agreement_approve", world.draft) not in draft
    assert url("agreement_start_review", world.draft) not in draft
    assert url("agreement_start_review", world.active) in active
    assert url("agreement_circulate", world.active) not in active
    assert url("agreement_approve", world.active) not in active


def test_no_moves_are_offered_to_a_role_that_cannot_make_them(world, clients):
    html = clients[Role.AUDITOR].get(url("agreement_detail", world.active)).content.decode()

    assert url("agreement_start_review", world.active) not in html
    assert url("agreement_edit", world.active) not in html


def test_the_changes_between_versions_are_listed(world, partnership, officer, clients):
    with activate(partnership.tenant):
        agreement = world.reviewed
        services.agreement_update(
            actor=officer,
            agreement=agreement,
            expected_version=agreement.version,
            retention="Seven years.",
        )

    response = clients[Role.AUDITOR].get(url("agreement_changes", agreement, from_version=1))

    text = visible_text(response)
    assert response.status_code == 200
    assert "Changes since version 1" in text
    assert "Retention and deletion" in text
    assert "Seven years." in text


def test_an_unknown_version_is_not_found(world, clients):
    client = clients[Role.IG_OFFICER]

    changes = url("agreement_changes", world.active, from_version=1)
    assert client.get(url("agreement_changes", world.active, from_version=7)).status_code == 404
    assert client.get(f"{changes}?to=x").status_code == 404
    assert client.get(f"{changes}?to=2").status_code == 404


# --- The lifecycle -------------------------------------------------------------------------


def test_each_move_is_its_own_page_calling_its_own_service(world, partnership, clients):
    client = clients[Role.IG_OFFICER]
    agreement = world.draft

    circulated = client.post(
        url("agreement_circulate", agreement),
        {"version": agreement.version, "reason": "Out to partners"},
    )
    agreement.refresh_from_db()
    approved = client.post(
        url("agreement_approve", agreement),
        {
            "version": agreement.version,
            "reason": "Agreed at the board",
            **date_parts("approved_on", None),
            **date_parts("issued_on", None),
        },
    )
    agreement.refresh_from_db()

    assert (circulated.status_code, approved.status_code) == (302, 302)
    assert (agreement.status, agreement.document_version) == ("active", 1)
    with activate(partnership.tenant):
        moves = list(agreement.transitions.values_list("action", "reason", "actor"))
    officer = partnership.member(Role.IG_OFFICER)
    assert moves == [
        ("circulate", "Out to partners", officer.pk),
        ("approve", "Agreed at the board", officer.pk),
    ]


@pytest.mark.parametrize(
    ("move", "state", "message"),
    [
        ("agreement_approve", "draft", "You cannot approve while the agreement is a draft."),
        (
            "agreement_start_review",
            "draft",
            "You cannot start a review while the agreement is a draft.",
        ),
        (
            "agreement_circulate",
            "active",
            "You cannot send for consultation while the agreement is active.",
        ),
        (
            "agreement_return_to_draft",
            "active",
            "You cannot return to draft while the agreement is active.",
        ),
    ],
)
def test_an_illegal_move_forced_is_refused_with_the_message_and_changes_nothing(
    world, clients, move, state, message
):
    agreement = world.draft if state == "draft" else world.active
    before = (agreement.status, agreement.version, agreement.document_version)
    client = clients[Role.IG_OFFICER]

    forced = client.post(
        url(move, agreement),
        {"version": agreement.version, "reason": "Forced", **date_parts("due_on", None)},
    )
    opened = client.get(url(move, agreement), follow=True)

    agreement.refresh_from_db()
    assert forced.status_code == 400
    assert message in forced.content.decode()
    assert "Possible now:" in forced.content.decode()
    assert message in visible_text(opened)  # the page itself sends them back, saying why
    assert (agreement.status, agreement.version, agreement.document_version) == before


def test_approving_an_incomplete_agreement_is_refused(partnership, officer, clients):
    with activate(partnership.tenant):
        agreement = AgreementFactory(
            tenant=partnership.tenant, owner_organisation=partnership.council
        )
        services.agreement_circulate(actor=officer, agreement=agreement, reason="Comment")

    response = clients[Role.IG_OFFICER].post(
        url("agreement_approve", agreement),
        {"version": agreement.version, "reason": "Board"},
    )

    agreement.refresh_from_db()
    assert response.status_code == 400
    assert "This agreement cannot be approved until it covers: purpose of the sharing" in (
        unescape(response.content.decode())
    )
    assert (agreement.status, agreement.document_version) == ("consultation", 0)


def test_a_move_made_from_a_stale_page_is_refused(world, partnership, officer, clients):
    client = clients[Role.IG_OFFICER]
    loaded = world.draft.version
    with activate(partnership.tenant):
        services.agreement_update(
            actor=officer, agreement=world.draft, expected_version=loaded, summary="Changed"
        )

    response = client.post(
        url("agreement_circulate", world.draft), {"version": loaded, "reason": "Out"}
    )

    world.draft.refresh_from_db()
    assert response.status_code == 409
    assert "Someone else changed this agreement a moment ago" in response.content.decode()
    assert world.draft.status == "draft"


def test_starting_a_review_opens_its_page(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_start_review", world.active),
        {"version": world.active.version, "reason": "Annual", **date_parts("due_on", None)},
    )

    review = Review.objects.cross_tenant().get(agreement=world.active)
    assert response.status_code == 302
    assert response["Location"] == url("review_detail", review)


def test_superseding_names_the_newer_agreement(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_supersede", world.active),
        {
            "version": world.active.version,
            "reason": "Replaced by the code of practice",
            "superseded_by": str(world.reviewed.public_id),
            "carry_over_signatories": "on",
        },
    )

    world.active.refresh_from_db()
    assert response.status_code == 302
    assert (world.active.status, world.active.superseded_by) == ("superseded", world.reviewed)


def test_a_move_without_a_reason_is_refused_on_the_form(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_withdraw", world.draft), {"version": world.draft.version, "reason": ""}
    )

    world.draft.refresh_from_db()
    assert response.status_code == 400
    assert "Enter the reason" in response.content.decode()
    assert world.draft.status == "draft"


# --- The PDF -------------------------------------------------------------------------------


def test_the_pdf_downloads_named_by_title_and_version(world, clients):
    response = clients[Role.PRACTITIONER].get(url("agreement_pdf", world.active))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="kent-and-medway-isa-v1.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


def test_a_draft_downloads_as_a_draft(world, clients):
    response = clients[Role.IG_OFFICER].get(url("agreement_pdf", world.draft))

    assert response["Content-Disposition"].endswith('-draft.pdf"')


def test_the_real_pdf_has_the_signature_table(world, clients):
    response = clients[Role.IG_OFFICER].get(url("agreement_pdf", world.active))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Pat Director" in text
