"""The partners API for people, invitations and IG training. The IG officer and the auditor see
everyone with their training; the IG officer changes someone's role or organisation, deactivates
them and invites newcomers, but never changes or deactivates themselves, and a deactivated
member's token stops working. Anyone records their own training and sees only their own unless
they oversee everyone's; training records are neither edited nor deleted. Isolation from other
partnerships is in test_isolation_api.py."""

import datetime as dt
import re
import uuid

import pytest
from django.core import mail
from django.test import Client

from partners import services
from partners.models import ApiToken, Invitation, Membership, TrainingRecord
from partners.roles import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory
from tests.partners.api_directory_helpers import (
    INVITATIONS,
    MEMBERSHIPS,
    NOT_IG,
    ORGANISATIONS,
    TRAINING,
    add_training,
    errors,
    ids,
    messages,
    rows,
    send,
)

pytestmark = pytest.mark.django_db


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
