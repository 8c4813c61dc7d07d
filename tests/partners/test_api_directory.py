"""The partners API: organisations, designated managers, contacts, people, invitations, training.

Every write goes through the same services as the pages; these tests drive them over HTTP.
Isolation from other partnerships is in test_isolation.py.
"""

import datetime as dt
import re
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from partners import services
from partners.models import (
    ApiToken,
    AuthorisedContact,
    Invitation,
    Membership,
    Organisation,
    TrainingRecord,
)
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/api/organisations/"
MEMBERSHIPS = "/api/memberships/"
INVITATIONS = "/api/invitations/"
TRAINING = "/api/training-records/"
TODAY = dt.date(2026, 11, 23)

NOT_IG = [Role.MANAGER, Role.SENCO, Role.PRACTITIONER, Role.AUDITOR]


@pytest.fixture
def today(time_machine):
    """A Monday in November 2026, at 10:00 in London. Ask for it before any signed-in client,
    whose session would otherwise have expired by then."""
    time_machine.move_to(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC), tick=False)
    return TODAY


@pytest.fixture
def ig(partnership, client_for) -> Client:
    return client_for(partnership.member(Role.IG_OFFICER))


def send(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


def org_url(organisation) -> str:
    return f"{ORGANISATIONS}{organisation.public_id}/"


def contacts_url(organisation, contact=None) -> str:
    base = f"{org_url(organisation)}contacts/"
    return f"{base}{contact.public_id}/" if contact else base


def errors(response, status: int) -> dict:
    """{attr: [code, …]} of an error response in the one error format, checking its status."""
    assert response.status_code == status, response.content
    body = response.json()
    found: dict = {}
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"} and error["detail"], body
        found.setdefault(error["attr"], []).append(error["code"])
    return found


def messages(response) -> str:
    return " ".join(error["detail"] for error in response.json()["errors"])


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response) -> set[str]:
    return {row["id"] for row in rows(response)}


def add_contact(partnership, organisation=None, **fields):
    values = {
        "name": "Jo Bloggs",
        "role": "Data protection lead",
        "email": "jo@school.example.org",
        "valid_from": dt.date(2026, 9, 1),
        **fields,
    }
    with activate(partnership.tenant):
        return services.contact_add(
            actor=partnership.member(Role.IG_OFFICER),
            organisation=organisation or partnership.school,
            **values,
        )


def add_training(partnership, membership, completed_on, **fields):
    with activate(partnership.tenant):
        return services.training_record(
            actor=partnership.member(Role.IG_OFFICER),
            membership=membership,
            course=fields.pop("course", "IG for schools"),
            completed_on=completed_on,
            **fields,
        )


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


# --- Memberships -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.AUDITOR])
def test_ig_officers_and_auditors_see_everyone_with_their_training(
    partnership, client_for, today, role
):
    senco = partnership.member(Role.SENCO)
    add_training(partnership, senco, dt.date(2025, 1, 10))
    add_training(partnership, senco, dt.date(2026, 1, 10))
    add_training(partnership, partnership.member(Role.PRACTITIONER), dt.date(2025, 6, 1))

    listed = rows(client_for(partnership.member(role)).get(MEMBERSHIPS))

    assert len(listed) == 5
    by_role = {row["role"]: row for row in listed}
    assert by_role[Role.SENCO] == {
        "id": str(senco.public_id),
        "full_name": "SENCo of Kent and Medway",
        "email": "senco@kent-and-medway.example.org",
        "organisation": str(partnership.school.public_id),
        "role": "senco",
        "is_active": True,
        "training_expires_on": "2027-01-10",
        "training_status": "current",
        "created_at": by_role[Role.SENCO]["created_at"],
    }
    assert by_role[Role.PRACTITIONER]["training_expires_on"] == "2026-06-01"
    assert by_role[Role.PRACTITIONER]["training_status"] == "expired"
    assert by_role[Role.MANAGER]["training_status"] == "none"
    assert by_role[Role.MANAGER]["training_expires_on"] is None


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SENCO, Role.PRACTITIONER])
def test_others_cannot_list_the_partnerships_people(partnership, client_for, role):
    client = client_for(partnership.member(role))
    someone = partnership.member(Role.AUDITOR)

    assert errors(client.get(MEMBERSHIPS), 403)
    assert errors(client.get(f"{MEMBERSHIPS}{someone.public_id}/"), 403)


def test_the_people_list_filters_by_organisation_and_whether_active(partnership, ig):
    leaver = MembershipFactory(
        tenant=partnership.tenant, organisation=partnership.school, is_active=False
    )
    school = partnership.school.public_id

    at_school = ids(ig.get(f"{MEMBERSHIPS}?organisation={school}"))
    assert at_school == {
        str(partnership.member(Role.SENCO).public_id),
        str(partnership.member(Role.PRACTITIONER).public_id),
        str(leaver.public_id),
    }
    assert ids(ig.get(f"{MEMBERSHIPS}?is_active=false")) == {str(leaver.public_id)}
    assert "organisation" in errors(ig.get(f"{MEMBERSHIPS}?organisation=school"), 400)


def test_the_people_list_finds_people_by_name_or_email_and_role(partnership, ig):
    alex = MembershipFactory(
        tenant=partnership.tenant,
        organisation=partnership.school,
        user__full_name="Alex Morgan-Reid",
        user__email="a.morgan@oakfield.example",
    )
    sam = MembershipFactory(
        tenant=partnership.tenant,
        organisation=partnership.council,
        role=Role.MANAGER,
        user__full_name="Sam Morgan",
        user__email="sam@council.example",
    )

    assert ids(ig.get(f"{MEMBERSHIPS}?who=MORGAN")) == {str(alex.public_id), str(sam.public_id)}
    assert ids(ig.get(f"{MEMBERSHIPS}?who=oakfield.example")) == {str(alex.public_id)}
    assert ids(ig.get(f"{MEMBERSHIPS}?who=morgan&role=manager")) == {str(sam.public_id)}
    assert "role" in errors(ig.get(f"{MEMBERSHIPS}?role=overlord"), 400)


def test_an_ig_officer_changes_someones_role_and_organisation(partnership, ig):
    practitioner = partnership.member(Role.PRACTITIONER)

    response = send(
        ig,
        "patch",
        f"{MEMBERSHIPS}{practitioner.public_id}/",
        {"role": Role.SENCO, "organisation": str(partnership.council.public_id)},
    )

    assert response.status_code == 200, response.content
    assert (response.json()["role"], response.json()["organisation"]) == (
        "senco",
        str(partnership.council.public_id),
    )
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.organisation) == (Role.SENCO, partnership.council)
    assert practitioner.history.first().history_user == partnership.member(Role.IG_OFFICER).user


def test_nobody_changes_their_own_role_through_the_api(partnership, ig):
    officer = partnership.member(Role.IG_OFFICER)

    response = send(ig, "patch", f"{MEMBERSHIPS}{officer.public_id}/", {"role": Role.AUDITOR})

    assert errors(response, 400) == {"role": ["invalid"]}
    assert "own role" in messages(response)
    officer.refresh_from_db()
    assert officer.role == Role.IG_OFFICER


def test_a_role_change_needs_a_real_role_and_organisation(partnership, ig):
    url = f"{MEMBERSHIPS}{partnership.member(Role.PRACTITIONER).public_id}/"

    assert "role" in errors(send(ig, "patch", url, {"role": "superuser"}), 400)
    assert "organisation" in errors(
        send(ig, "patch", url, {"organisation": str(uuid.uuid4())}), 400
    )
    assert errors(send(ig, "put", url, {"role": Role.SENCO}), 405)
    assert partnership.member(Role.PRACTITIONER).role == Role.PRACTITIONER


def test_a_deactivated_member_is_kept_and_their_token_stops_working(partnership, ig):
    leaver = partnership.member(Role.PRACTITIONER)
    token = Client().post(
        "/api/auth/token/",
        {"email": leaver.user.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    token_client = Client(headers={"Authorization": f"Bearer {token.json()['token']}"})
    assert token_client.get(ORGANISATIONS).status_code == 200

    response = ig.post(f"{MEMBERSHIPS}{leaver.public_id}/deactivate/")

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert Membership._base_manager.get(pk=leaver.pk).is_active is False
    assert ApiToken.objects.get(membership=leaver).revoked_at is not None
    assert errors(token_client.get(ORGANISATIONS), 401)


def test_nobody_deactivates_themselves(partnership, ig):
    officer = partnership.member(Role.IG_OFFICER)

    assert errors(ig.post(f"{MEMBERSHIPS}{officer.public_id}/deactivate/"), 400)
    assert Membership._base_manager.get(pk=officer.pk).is_active is True


@pytest.mark.parametrize("role", NOT_IG)
def test_only_the_ig_officer_changes_or_ends_memberships(partnership, client_for, role):
    client = client_for(partnership.member(role))
    target = MembershipFactory(tenant=partnership.tenant, organisation=partnership.school)
    url = f"{MEMBERSHIPS}{target.public_id}/"

    assert errors(send(client, "patch", url, {"role": Role.IG_OFFICER}), 403)
    assert errors(client.post(f"{url}deactivate/"), 403)
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.PRACTITIONER, True)


# --- Invitations -----------------------------------------------------------------------------


def test_an_invitation_emails_an_absolute_link_that_works(
    partnership, ig, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            ig,
            "post",
            INVITATIONS,
            {
                "email": "New.Senco@School.example.org",
                "full_name": "New Senco",
                "organisation": str(partnership.school.public_id),
                "role": Role.SENCO,
            },
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["email"], body["role"], body["organisation"], body["invited_by"]) == (
        "new.senco@school.example.org",
        "senco",
        str(partnership.school.public_id),
        str(partnership.member(Role.IG_OFFICER).public_id),
    )
    assert "token" not in str(body)
    (email,) = mail.outbox
    assert email.to == ["new.senco@school.example.org"]
    link = re.search(r"http://testserver/\S+/(?P<token>[\w-]+)/", email.body)
    assert link, email.body
    membership = services.invitation_accept(
        raw_token=link["token"], password="a long passphrase 2026"
    )
    assert (membership.tenant, membership.role) == (partnership.tenant, Role.SENCO)


def test_an_invitation_needs_a_new_persons_email_a_role_and_an_organisation(partnership, ig):
    response = send(
        ig,
        "post",
        INVITATIONS,
        {
            "email": partnership.member(Role.SENCO).user.email,
            "full_name": "Already Here",
            "organisation": str(partnership.school.public_id),
            "role": Role.SENCO,
        },
    )
    assert "already a member" in messages(response)
    assert "email" in errors(response, 400)

    incomplete = send(ig, "post", INVITATIONS, {"email": "x@example.org", "role": "boss"})
    assert set(errors(incomplete, 400)) == {"full_name", "organisation", "role"}
    assert not Invitation._base_manager.exists()
    assert not mail.outbox


@pytest.mark.parametrize("role", NOT_IG)
def test_only_the_ig_officer_invites(partnership, client_for, role):
    response = send(
        client_for(partnership.member(role)),
        "post",
        INVITATIONS,
        {
            "email": "friend@example.org",
            "full_name": "A Friend",
            "organisation": str(partnership.school.public_id),
            "role": Role.IG_OFFICER,
        },
    )

    assert errors(response, 403)
    assert not Invitation._base_manager.exists()


# --- Training records ------------------------------------------------------------------------


def test_anyone_records_their_own_training(partnership, client_for, today):
    practitioner = partnership.member(Role.PRACTITIONER)

    response = send(
        client_for(practitioner),
        "post",
        TRAINING,
        {"course": "IG for schools", "completed_on": "2026-11-02"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["membership"] == body["recorded_by"] == str(practitioner.public_id)
    assert (body["expires_on"], body["status"], body["evidence"]) == (
        "2027-11-02",
        "current",
        None,
    )
    assert TrainingRecord._base_manager.get(public_id=body["id"]).membership == practitioner


@pytest.mark.parametrize("role", NOT_IG)
def test_recording_someone_elses_training_needs_an_ig_officer(partnership, client_for, role):
    other = partnership.member(Role.SENCO if role != Role.SENCO else Role.PRACTITIONER)
    data = {"membership": str(other.public_id), "course": "IG", "completed_on": "2026-11-02"}

    assert errors(send(client_for(partnership.member(role)), "post", TRAINING, data), 403)
    assert not TrainingRecord._base_manager.exists()


def test_an_ig_officer_records_someones_training(partnership, ig):
    senco = partnership.member(Role.SENCO)
    data = {
        "membership": str(senco.public_id),
        "course": "Caldicott and UK GDPR",
        "completed_on": "2026-06-01",
        "expires_on": "2028-06-01",
    }

    response = send(ig, "post", TRAINING, data)

    assert response.status_code == 201, response.content
    assert response.json()["recorded_by"] == str(partnership.member(Role.IG_OFFICER).public_id)
    assert TrainingRecord._base_manager.get().expires_on == dt.date(2028, 6, 1)


def test_training_cannot_expire_before_it_was_completed(partnership, ig):
    data = {"course": "IG", "completed_on": "2026-06-01", "expires_on": "2026-05-31"}

    response = send(ig, "post", TRAINING, data)

    assert errors(response, 400) == {"expires_on": ["invalid"]}
    assert "after the completion date" in messages(response)
    assert set(errors(send(ig, "post", TRAINING, {"membership": "x"}), 400)) == {
        "membership",
        "course",
        "completed_on",
    }
    assert not TrainingRecord._base_manager.exists()


def test_people_see_only_their_own_training_unless_they_oversee_everyones(
    partnership, client_for, today
):
    practitioner, senco = partnership.member(Role.PRACTITIONER), partnership.member(Role.SENCO)
    own = add_training(partnership, practitioner, dt.date(2026, 1, 5))
    theirs = add_training(partnership, senco, dt.date(2026, 1, 5))
    client = client_for(practitioner)

    assert ids(client.get(TRAINING)) == {str(own.public_id)}
    assert ids(client.get(f"{TRAINING}?membership={senco.public_id}")) == set()
    assert client.get(f"{TRAINING}{own.public_id}/").status_code == 200
    assert errors(client.get(f"{TRAINING}{theirs.public_id}/"), 404)
    for role in (Role.IG_OFFICER, Role.AUDITOR):
        everyone = ids(client_for(partnership.member(role)).get(TRAINING))
        assert everyone == {str(own.public_id), str(theirs.public_id)}


def test_training_records_filter_by_person_and_status(partnership, today, ig):
    practitioner, senco = partnership.member(Role.PRACTITIONER), partnership.member(Role.SENCO)
    lapsed = add_training(partnership, practitioner, dt.date(2025, 11, 23))
    current = add_training(partnership, practitioner, dt.date(2025, 11, 24))
    other = add_training(partnership, senco, dt.date(2024, 1, 1))

    by_person = ids(ig.get(f"{TRAINING}?membership={practitioner.public_id}"))
    assert by_person == {str(lapsed.public_id), str(current.public_id)}
    assert ids(ig.get(f"{TRAINING}?status=current")) == {str(current.public_id)}
    assert ids(ig.get(f"{TRAINING}?status=expired")) == {
        str(lapsed.public_id),
        str(other.public_id),
    }
    statuses = {row["id"]: row["status"] for row in rows(ig.get(TRAINING))}
    assert statuses[str(lapsed.public_id)] == "expired"
    assert "status" in errors(ig.get(f"{TRAINING}?status=soon"), 400)
    assert "membership" in errors(ig.get(f"{TRAINING}?membership=me"), 400)


def test_training_records_are_not_edited_or_deleted(partnership, ig):
    record = add_training(partnership, partnership.member(Role.SENCO), dt.date(2026, 1, 5))

    for method in ("put", "patch", "delete"):
        assert errors(send(ig, method, f"{TRAINING}{record.public_id}/", {"course": "X"}), 405)
    assert TrainingRecord._base_manager.get().course == "IG for schools"


# --- Every list costs the same number of queries for 3 rows or 30 ----------------------------


def _more_organisations(partnership, n: int) -> str:
    parent = Organisation._base_manager.get(name="Parent")
    managers = [partnership.member(Role.MANAGER), partnership.member(Role.AUDITOR)]
    for _ in range(n):
        organisation = OrganisationFactory(tenant=partnership.tenant, parent=parent)
        with activate(partnership.tenant):
            services.organisation_set_designated_managers(
                actor=partnership.member(Role.IG_OFFICER),
                organisation=organisation,
                managers=managers,
            )
    return f"{ORGANISATIONS}?type=la_service&is_active=true&search=Organisation"


def _more_contacts(partnership, n: int) -> str:
    organisation = Organisation._base_manager.get(name="Parent")
    for i in range(n):
        add_contact(partnership, organisation, name=f"Contact {i}", email=f"c{i}@example.org")
    return contacts_url(organisation)


def _more_memberships(partnership, n: int) -> str:
    organisation = Organisation._base_manager.get(name="Parent")
    for _ in range(n):
        member = MembershipFactory(tenant=partnership.tenant, organisation=organisation)
        add_training(partnership, member, dt.date(2026, 1, 5))
        add_training(partnership, member, dt.date(2025, 1, 5))
    return f"{MEMBERSHIPS}?organisation={organisation.public_id}"


def _more_training(partnership, n: int) -> str:
    organisation = Organisation._base_manager.get(name="Parent")
    for _ in range(n):
        member = MembershipFactory(tenant=partnership.tenant, organisation=organisation)
        add_training(partnership, member, dt.date(2026, 1, 5))
    return f"{TRAINING}?status=current"


@pytest.mark.parametrize(
    "more", [_more_organisations, _more_contacts, _more_memberships, _more_training]
)
def test_every_list_costs_the_same_number_of_queries_for_3_or_30_rows(
    partnership, today, client_for, more
):
    ig = client_for(partnership.member(Role.IG_OFFICER))
    OrganisationFactory(tenant=partnership.tenant, name="Parent", type="other")

    def queries_for(url) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = ig.get(url)
        return len(rows(response)), len(captured)

    url = more(partnership, 3)
    few_rows, few_queries = queries_for(url)
    more(partnership, 27)
    many_rows, many_queries = queries_for(url)

    assert (few_rows, many_rows) == (3, 30)
    assert few_queries == many_queries
