"""Creating and editing agreements on the pages: an SOP is created under an ISA (a taken title
is refused on the form), document control saves through the service, and each content
section is edited as a formset, the service's errors landing on the row and field they
name. The version check: with two tabs open the second save is refused, keeps what was
typed and overwrites nothing; an active agreement is not edited, and the page says why.
"""

from __future__ import annotations

import pytest

from agreements.models import Agreement, AgreementLegalBasis, Purpose, Term
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.page_helpers import edit_data, url, visible_text
from tests.factories import legal_basis

pytestmark = pytest.mark.django_db

# --- Creating and editing ------------------------------------------------------------------


def test_the_ig_officer_creates_an_sop_under_an_isa(world, partnership, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_create"),
        {
            "kind": "sop",
            "title": "Kent SEND SOP",
            "parent": str(world.active.public_id),
            "owner_organisation": str(partnership.council.public_id),
        },
    )

    with activate(partnership.tenant):
        created = Agreement.objects.get(title="Kent SEND SOP")
    assert response.status_code == 302
    assert response["Location"] == url("agreement_detail", created)
    assert (created.kind, created.parent, created.status) == ("sop", world.active, "draft")


def test_creating_an_agreement_with_a_taken_title_is_refused_on_the_form(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_create"),
        {
            "kind": "isa",
            "title": "Kent and Medway ISA",
            "owner_organisation": str(world.active.owner_organisation.public_id),
        },
    )

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_editing_document_control_saves_through_the_service(world, partnership, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_edit", world.draft),
        edit_data(
            world.draft,
            owner_name="Jo Owner",
            breach_notify_days=3,
            breach_indemnity_response_days=6,
        ),
    )

    world.draft.refresh_from_db()
    assert response.status_code == 302
    assert (
        world.draft.owner_name,
        world.draft.breach_notify_days,
        world.draft.breach_indemnity_response_days,
    ) == ("Jo Owner", 3, 6)
    assert world.draft.history.first().history_user == partnership.member(Role.IG_OFFICER).user


def test_editing_the_same_agreement_in_two_tabs_refuses_the_second_save(world, clients):
    """Both tabs load version N. The first save wins; the second is refused with a message,
    keeps what was typed in it on the page, and overwrites nothing."""
    client = clients[Role.IG_OFFICER]
    edit = url("agreement_edit", world.draft)
    first_tab = client.get(edit)
    second_tab = client.get(edit)
    loaded = world.draft.version
    assert f'name="version" value="{loaded}"' in first_tab.content.decode()
    assert f'name="version" value="{loaded}"' in second_tab.content.decode()

    saved = client.post(edit, edit_data(world.draft, security="Saved from the first tab"))
    refused = client.post(edit, edit_data(world.draft, security="Typed in the second tab"))

    world.draft.refresh_from_db()
    assert saved.status_code == 302
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Your changes have not been saved" in page
    assert "Someone else changed this agreement while you were editing it" in page
    assert "Typed in the second tab" in page  # the user's entries are kept
    assert "Security: Saved from the first tab" in visible_text(refused)  # and theirs shown
    assert world.draft.security == "Saved from the first tab"


def test_editing_the_same_list_in_two_tabs_refuses_the_second_save(world, partnership, clients):
    client = clients[Role.IG_OFFICER]
    edit = url("agreement_content_edit", world.draft, section="purposes")
    client.get(edit)
    with activate(partnership.tenant):
        purpose = Purpose.objects.get(agreement=world.draft)

    def save(description: str):
        return client.post(
            edit,
            {
                "version": world.draft.version,
                "purposes-TOTAL_FORMS": "2",
                "purposes-INITIAL_FORMS": "1",
                "purposes-0-public_id": str(purpose.public_id),
                "purposes-0-service": purpose.service,
                "purposes-0-description": description,
                "purposes-1-public_id": "",
                "purposes-1-service": "",
                "purposes-1-description": "",
            },
        )

    first = save("From the first tab")
    second = save("From the second tab")

    purpose.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Your changes have not been saved" in page
    assert "From the second tab" in page
    assert purpose.description == "From the first tab"


def _legal_bases_post(agreement, rows: list[tuple[str, str, str]]) -> dict:
    """rows: (public id or "", basis code, how it applies); a blank row follows."""
    data = {
        "version": agreement.version,
        "legal_bases-TOTAL_FORMS": str(len(rows) + 1),
        "legal_bases-INITIAL_FORMS": str(sum(1 for public_id, *_ in rows if public_id)),
    }
    for index, (public_id, code, how) in enumerate([*rows, ("", "", "")]):
        data[f"legal_bases-{index}-public_id"] = public_id
        data[f"legal_bases-{index}-basis"] = str(legal_basis(code).public_id) if code else ""
        data[f"legal_bases-{index}-how_it_applies"] = how
    return data


def test_a_section_is_edited_as_a_formset(world, partnership, clients):
    with activate(partnership.tenant):
        cited = list(AgreementLegalBasis.objects.filter(agreement=world.draft))
    client = clients[Role.IG_OFFICER]
    rows = [
        (str(cited[0].public_id), "uk-gdpr-6-1-e", "Statutory duties"),
        ("", "uk-gdpr-9-2-g", ""),
    ]
    # The second saved row is left out: removed.
    data = _legal_bases_post(world.draft, rows)

    response = client.post(url("agreement_content_edit", world.draft, section="legal_bases"), data)

    assert response.status_code == 302
    with activate(partnership.tenant):
        saved = [
            (row.basis.code, row.how_it_applies)
            for row in AgreementLegalBasis.objects.filter(agreement=world.draft)
        ]
    assert saved == [("uk-gdpr-6-1-e", "Statutory duties"), ("uk-gdpr-9-2-g", "")]


def test_a_ticked_row_is_removed_and_save_and_add_another_comes_back(world, partnership, clients):
    with activate(partnership.tenant):
        purpose = Purpose.objects.get(agreement=world.draft)
    edit = url("agreement_content_edit", world.draft, section="purposes")

    response = clients[Role.IG_OFFICER].post(
        edit,
        {
            "version": world.draft.version,
            "then": "add",
            "purposes-TOTAL_FORMS": "2",
            "purposes-INITIAL_FORMS": "1",
            "purposes-0-public_id": str(purpose.public_id),
            "purposes-0-service": purpose.service,
            "purposes-0-description": purpose.description,
            "purposes-0-DELETE": "on",
            "purposes-1-service": "Early help",
            "purposes-1-description": "Coordinated support",
        },
    )

    assert (response.status_code, response["Location"]) == (302, edit)
    with activate(partnership.tenant):
        assert list(
            Purpose.objects.filter(agreement=world.draft).values_list("service", flat=True)
        ) == ["Early help"]


def test_the_services_errors_land_on_the_row_and_field_they_name(world, partnership, clients):
    """The service names errors "<section>-<index>-<field>" by the row's place in the list it
    was given; with a row removed before it, that is not the form's place on the page."""
    with activate(partnership.tenant):
        cited = list(AgreementLegalBasis.objects.filter(agreement=world.draft))
    data = _legal_bases_post(
        world.draft,
        [
            (str(cited[0].public_id), "uk-gdpr-6-1-e", ""),
            (str(cited[1].public_id), "children-and-families-act-2014-part-3", ""),
            ("", "uk-gdpr-6-1-e", "Cited twice"),
        ],
    )
    data["legal_bases-0-DELETE"] = "on"
    data["legal_bases-1-basis"] = str(legal_basis("uk-gdpr-6-1-e").public_id)

    response = clients[Role.IG_OFFICER].post(
        url("agreement_content_edit", world.draft, section="legal_bases"), data
    )

    page = response.content.decode()
    assert response.status_code == 400
    # The third form (index 2) is the second item given to the service: its error is there.
    fieldsets = {
        number: page.split(f'id="row-{number}"', 1)[1].split("</fieldset>", 1)[0]
        for number in (1, 2, 3)
    }
    assert "This is already on the list." in fieldsets[3]
    assert "govuk-select--error" in fieldsets[3]
    assert "This is already on the list." not in fieldsets[1] + fieldsets[2]
    with activate(partnership.tenant):
        assert AgreementLegalBasis.objects.filter(agreement=world.draft).count() == 2


def test_a_term_for_another_party_needs_its_name(world, partnership, clients):
    data = {
        "version": world.draft.version,
        "terms-TOTAL_FORMS": "1",
        "terms-INITIAL_FORMS": "0",
        "terms-0-party": "other",
        "terms-0-party_name": "",
        "terms-0-text": "Keep minutes.",
    }
    with activate(partnership.tenant):
        before = Term.objects.filter(agreement=world.draft).count()

    response = clients[Role.IG_OFFICER].post(
        url("agreement_content_edit", world.draft, section="terms"), data
    )

    assert response.status_code == 400
    assert "Name the party this term binds." in response.content.decode()
    with activate(partnership.tenant):
        assert Term.objects.filter(agreement=world.draft).count() == before


def test_an_unknown_section_is_not_found(world, clients):
    client = clients[Role.IG_OFFICER]

    response = client.get(url("agreement_content_edit", world.draft, section="recipes"))

    assert response.status_code == 404


def test_an_active_agreement_is_not_edited_but_the_page_says_why(world, clients):
    client = clients[Role.IG_OFFICER]
    before = world.active.version

    shown = client.get(url("agreement_edit", world.active), follow=True)
    forced = client.post(url("agreement_edit", world.active), edit_data(world.active, title="X"))

    world.active.refresh_from_db()
    assert "An agreement that is active cannot be edited. Start a review to change it." in (
        visible_text(shown)
    )
    assert forced.status_code == 400
    assert "Start a review to change it." in forced.content.decode()
    assert (world.active.title, world.active.version) == ("Kent and Medway ISA", before)
