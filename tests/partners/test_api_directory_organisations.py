"""The partners API for organisations, their designated managers and their authorised contacts.
The IG officer adds and edits them: an edit names the version it read, and the second of two
concurrent edits is a 409 that changes nothing; bad input is a 400 naming the field. Everyone in
the partnership reads them and anyone else's write is a 403; a contact is found only under its
own organisation, and is changed, never replaced or deleted. Every write goes through the same
services as the pages; isolation from other partnerships is in test_isolation_api.py."""

import datetime as dt
import uuid

import pytest

from partners.models import AuthorisedContact, Organisation
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import OrganisationFactory
from tests.partners.api_directory_helpers import (
    NOT_IG,
    ORGANISATIONS,
    add_contact,
    contacts_url,
    errors,
    ids,
    messages,
    org_url,
    rows,
    send,
)

pytestmark = pytest.mark.django_db


# --- Organisations ---------------------------------------------------------------------------


def test_an_ig_officer_adds_an_organisation_with_its_identifiers(partnership, ig):
    response = send(
        ig,
        "post",
        ORGANISATIONS,
        {
            "name": "Kent County Council SEN Service",
            "type": "la_service",
            "parent": str(partnership.council.public_id),
            "address_line_1": "Sessions House",
            "town": "Maidstone",
            "postcode": "ME14 1XQ",
            "ods_code": "RYY",
            "ico_registration_number": "Z1234567",
            "ico_renewal_date": "2027-03-31",
            "caldicott_guardian": "Dr A Guardian",
            "dpo_name": "D P Officer",
            "dpo_email": "dpo@kent.example.org",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    created = Organisation._base_manager.get(public_id=body["id"])
    assert created.tenant == partnership.tenant
    assert created.parent == partnership.council
    assert created.history.get().history_user == partnership.member(Role.IG_OFFICER).user
    assert body["parent"] == str(partnership.council.public_id)
    assert body["ico_renewal_date"] == "2027-03-31"
    assert body["caldicott_guardian"] == "Dr A Guardian"
    assert body["designated_managers"] == []
    assert body["version"] == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "NOT A POSTCODE", "Enter a real postcode"),
        ("ods_code", "ryy!", "ODS codes"),
        ("ico_registration_number", "12345", "ICO numbers"),
        ("urn", "12", "URN"),
        ("dpo_email", "not-an-email", "email"),
        ("ico_renewal_date", "31/03/2027", "Date"),
        ("type", "spaceship", "not a valid choice"),
        ("parent", "00000000-0000-4000-8000-000000000000", "no organisation with this id"),
        ("parent", "not-a-uuid", "valid id"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(partnership, ig, field, value, message):
    response = send(ig, "post", ORGANISATIONS, {"name": "Bad", "type": "other", field: value})

    assert field in errors(response, 400)
    assert message.lower() in messages(response).lower()
    assert not Organisation._base_manager.filter(name="Bad").exists()


def test_name_and_type_are_required_and_a_name_is_unique_in_the_partnership(partnership, ig):
    assert errors(send(ig, "post", ORGANISATIONS, {}), 400) == {
        "name": ["required"],
        "type": ["required"],
    }

    taken = send(ig, "post", ORGANISATIONS, {"name": partnership.council.name, "type": "other"})

    assert errors(taken, 400)
    assert Organisation._base_manager.filter(name=partnership.council.name).count() == 1


@pytest.mark.parametrize("role", NOT_IG)
def test_only_the_ig_officer_adds_or_edits_organisations(partnership, client_for, role):
    client = client_for(partnership.member(role))
    council = partnership.council
    edit = {"name": "Renamed", "type": "other", "version": council.version}

    assert errors(send(client, "post", ORGANISATIONS, {"name": "New", "type": "other"}), 403)
    assert errors(send(client, "patch", org_url(council), edit), 403)
    assert errors(send(client, "put", org_url(council), edit), 403)

    assert not Organisation._base_manager.filter(name__in=["New", "Renamed"]).exists()
    council.refresh_from_db()
    assert council.version == 1


def test_an_edit_names_the_version_it_read_and_bumps_it(partnership, ig):
    council = partnership.council

    response = send(ig, "patch", org_url(council), {"phone": "03000 41 41 41", "version": 1})

    assert response.status_code == 200, response.content
    assert (response.json()["phone"], response.json()["version"]) == ("03000 41 41 41", 2)
    council.refresh_from_db()
    assert (council.phone, council.version) == ("03000 41 41 41", 2)
    assert council.history.first().history_user == partnership.member(Role.IG_OFFICER).user


def test_an_edit_without_a_version_is_refused(partnership, ig):
    response = send(ig, "patch", org_url(partnership.council), {"phone": "01622 000000"})

    assert errors(response, 400) == {"version": ["required"]}
    partnership.council.refresh_from_db()
    assert partnership.council.phone == ""


def test_the_second_of_two_concurrent_edits_is_a_409_and_changes_nothing(partnership, ig):
    council = partnership.council
    # Two tabs read the organisation at version 1.
    read = ig.get(org_url(council)).json()["version"]
    first = send(ig, "patch", org_url(council), {"phone": "01622 111111", "version": read})
    assert first.status_code == 200

    second = send(
        ig, "put", org_url(council), {"name": "Overwritten", "type": "other", "version": read}
    )

    assert errors(second, 409) == {None: ["conflict"]}
    assert second.json()["type"] == "client_error"
    assert "Someone else changed this organisation" in messages(second)
    council.refresh_from_db()
    assert (council.name, council.phone, council.version) == (
        "Kent and Medway County Council",
        "01622 111111",
        2,
    )


def test_a_put_replaces_the_record_and_clears_what_it_leaves_out(partnership, ig):
    council = partnership.council
    send(
        ig, "patch", org_url(council), {"phone": "01622 111111", "town": "Maidstone", "version": 1}
    )

    response = send(
        ig, "put", org_url(council), {"name": "KCC", "type": "la_service", "version": 2}
    )

    assert response.status_code == 200, response.content
    council.refresh_from_db()
    assert (council.name, council.phone, council.town, council.version) == ("KCC", "", "", 3)


def test_an_organisation_cannot_be_its_own_parent(partnership, ig):
    council = partnership.council

    response = send(ig, "patch", org_url(council), {"parent": str(council.public_id), "version": 1})

    assert "parent" in errors(response, 400)
    council.refresh_from_db()
    assert (council.parent, council.version) == (None, 1)


def test_the_list_filters_by_name_type_and_whether_active(partnership, client_for):
    closed = OrganisationFactory(
        tenant=partnership.tenant, name="Closed Primary School", type="academy", is_active=False
    )
    client = client_for(partnership.member(Role.PRACTITIONER))
    school, council = str(partnership.school.public_id), str(partnership.council.public_id)

    assert ids(client.get(f"{ORGANISATIONS}?search=primary")) == {school, str(closed.public_id)}
    assert ids(client.get(f"{ORGANISATIONS}?type=academy&is_active=true")) == {school}
    assert ids(client.get(f"{ORGANISATIONS}?is_active=false")) == {str(closed.public_id)}
    assert ids(client.get(f"{ORGANISATIONS}?type=la_service")) == {council}
    assert "type" in errors(client.get(f"{ORGANISATIONS}?type=spaceship"), 400)
    assert "is_active" in errors(client.get(f"{ORGANISATIONS}?is_active=perhaps"), 400)


def test_designated_managers_are_set_by_membership_id_and_shown_on_the_organisation(
    partnership, ig
):
    council = partnership.council
    manager, auditor = partnership.member(Role.MANAGER), partnership.member(Role.AUDITOR)
    url = f"{org_url(council)}designated-managers/"

    response = send(
        ig, "put", url, {"designated_managers": [str(manager.public_id), str(auditor.public_id)]}
    )

    assert response.status_code == 200, response.content
    expected = {str(manager.public_id), str(auditor.public_id)}
    assert set(response.json()["designated_managers"]) == expected
    assert set(ig.get(org_url(council)).json()["designated_managers"]) == expected

    cleared = send(ig, "put", url, {"designated_managers": [str(manager.public_id)]})
    assert cleared.json()["designated_managers"] == [str(manager.public_id)]
    with activate(partnership.tenant):
        assert list(council.designated_managers.all()) == [manager]


def test_designated_managers_must_be_people_of_the_partnership(partnership, ig):
    url = f"{org_url(partnership.council)}designated-managers/"

    for bad in ([str(uuid.uuid4())], ["not-a-uuid"], None):
        response = send(ig, "put", url, {"designated_managers": bad})
        assert "designated_managers" in errors(response, 400)
    with activate(partnership.tenant):
        assert partnership.council.designated_managers.count() == 0


@pytest.mark.parametrize("role", NOT_IG)
def test_only_the_ig_officer_designates_managers(partnership, client_for, role):
    manager = partnership.member(Role.MANAGER)
    url = f"{org_url(partnership.council)}designated-managers/"

    response = send(
        client_for(partnership.member(role)),
        "put",
        url,
        {"designated_managers": [str(manager.public_id)]},
    )

    assert errors(response, 403)
    with activate(partnership.tenant):
        assert partnership.council.designated_managers.count() == 0


# --- Authorised contacts ---------------------------------------------------------------------


def test_an_ig_officer_adds_a_contact_and_everyone_can_read_it(partnership, ig, client_for):
    response = send(
        ig,
        "post",
        contacts_url(partnership.school),
        {
            "name": "Jo Bloggs",
            "role": "Designated safeguarding lead",
            "email": "jo@school.example.org",
            "phone": "01622 222222",
            "valid_from": "2026-09-01",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organisation"] == str(partnership.school.public_id)
    assert body["recorded_by"] == str(partnership.member(Role.IG_OFFICER).public_id)
    assert body["valid_to"] is None and body["updated_at"]
    practitioner = client_for(partnership.member(Role.PRACTITIONER))
    assert ids(practitioner.get(contacts_url(partnership.school))) == {body["id"]}
    detail = practitioner.get(f"{contacts_url(partnership.school)}{body['id']}/")
    assert detail.json() == body


def test_a_contact_change_is_timestamped(partnership, client_for, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    contact = add_contact(partnership)
    time_machine.move_to(dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.UTC), tick=False)
    ig = client_for(partnership.member(Role.IG_OFFICER))

    response = send(
        ig, "patch", contacts_url(partnership.school, contact), {"valid_to": "2026-12-31"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid_to"] == "2026-12-31"
    assert dt.datetime.fromisoformat(body["updated_at"]) == dt.datetime(
        2026, 12, 1, 15, 30, tzinfo=dt.UTC
    )
    assert dt.datetime.fromisoformat(body["created_at"]) == dt.datetime(
        2026, 9, 1, 9, 0, tzinfo=dt.UTC
    )
    assert contact.history.count() == 2


def test_a_contact_cannot_end_before_it_starts(partnership, ig):
    url = contacts_url(partnership.school)
    data = {"name": "Jo", "role": "Lead", "email": "jo@example.org", "valid_from": "2026-09-01"}

    refused = send(ig, "post", url, {**data, "valid_to": "2026-08-31"})
    assert errors(refused, 400) == {"valid_to": ["invalid"]}
    assert "on or after the start date" in messages(refused)
    assert not AuthorisedContact._base_manager.exists()

    contact = add_contact(partnership)
    moved = send(ig, "patch", contacts_url(partnership.school, contact), {"valid_to": "2026-01-01"})
    assert errors(moved, 400) == {"valid_to": ["invalid"]}
    contact.refresh_from_db()
    assert contact.valid_to is None


def test_a_contact_needs_a_name_role_real_email_and_start_date(partnership, ig):
    response = send(ig, "post", contacts_url(partnership.school), {"email": "nope"})

    assert set(errors(response, 400)) == {"name", "role", "email", "valid_from"}


def test_current_contacts_are_those_authorised_today(partnership, today, ig):
    past = add_contact(
        partnership, name="Past", valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 12, 31)
    )
    now = add_contact(partnership, name="Now", valid_from=dt.date(2026, 1, 1))
    future = add_contact(partnership, name="Future", valid_from=dt.date(2027, 1, 1))
    url = contacts_url(partnership.school)

    assert ids(ig.get(f"{url}?current=true")) == {str(now.public_id)}
    assert ids(ig.get(f"{url}?current=false")) == {str(past.public_id), str(future.public_id)}
    assert len(rows(ig.get(url))) == 3
    assert "current" in errors(ig.get(f"{url}?current=maybe"), 400)


def test_a_contact_is_found_only_under_its_own_organisation(partnership, ig):
    contact = add_contact(partnership)

    assert errors(ig.get(contacts_url(partnership.council, contact)), 404)
    assert errors(ig.get(contacts_url(partnership.school) + f"{uuid.uuid4()}/"), 404)
    assert errors(ig.get(f"{ORGANISATIONS}{uuid.uuid4()}/contacts/"), 404)


def test_contacts_are_changed_not_replaced_or_deleted(partnership, ig):
    contact = add_contact(partnership)

    for method in ("put", "delete"):
        response = send(ig, method, contacts_url(partnership.school, contact), {"name": "X"})
        assert errors(response, 405)
    assert AuthorisedContact._base_manager.get(pk=contact.pk).name == "Jo Bloggs"


@pytest.mark.parametrize("role", NOT_IG)
def test_only_the_ig_officer_adds_or_changes_contacts(partnership, client_for, role):
    contact = add_contact(partnership)
    client = client_for(partnership.member(role))
    data = {"name": "New", "role": "Lead", "email": "new@example.org", "valid_from": "2026-09-01"}

    assert errors(send(client, "post", contacts_url(partnership.school), data), 403)
    patch = send(client, "patch", contacts_url(partnership.school, contact), {"name": "Changed"})
    assert errors(patch, 403)

    assert list(AuthorisedContact._base_manager.values_list("name", flat=True)) == ["Jo Bloggs"]
