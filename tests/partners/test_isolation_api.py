"""The partners API hides another partnership's objects, route by route. The outsider is the IG
officer of another partnership: the strongest role there, nothing here. Each of their reads and
writes of our objects is a 404 that changes nothing, over a session and over a token, and a UUID
of ours given in a body is refused as if it did not exist. Every API route of the partners app
has an entry in API_CASES, and test_every_partners_api_route_is_checked fails for a route
without one. The pages are in test_isolation_pages.py."""

import uuid
from collections.abc import Callable

import pytest
from django.urls import get_resolver, resolve, reverse

from partners import services
from partners.models import (
    AuthorisedContact,
    DesignatedManager,
    Invitation,
    Membership,
    Organisation,
    TrainingRecord,
)
from partners.roles import Role
from partners.tenancy import activate
from tests.isolation import assert_tenant_isolated
from tests.partners.isolation_helpers import (
    RecordingClient,
    _our_contact,
    _our_training,
    _routes,
    api_token_client,
    search_for,
)

pytestmark = pytest.mark.django_db


# --- The API, route by route -----------------------------------------------------------------
# Each case gets a client acting as the outsider, our partnership and the outsider's membership.
# A case may also check that a UUID of ours given in a body (a parent, a membership, an
# organisation) is refused as if it did not exist, and that nothing was created.


def api_writes(url: str, data: dict | None = None) -> list[tuple]:
    """Every method a client might try on a detail URL; each must be a 404 that changes nothing."""
    data = data or {"name": "Taken over", "type": "police", "version": 1}
    return [
        ("put", url, data),
        ("patch", url, data),
        ("delete", url, None),
        ("post", url, data),
    ]


def _assert_refused_and_nothing_created(response, attr: str, model, **lookup) -> None:
    assert response.status_code == 400, response.content
    assert attr in [error["attr"] for error in response.json()["errors"]], response.content
    assert not model._base_manager.filter(**lookup).exists()


def organisation_list_case(client, ours, outsider) -> None:
    theirs = ours.council
    listing = reverse("organisation-list")
    assert_tenant_isolated(
        client,
        theirs,
        list_urls=[
            listing,
            f"{listing}?search={search_for(theirs)}",
            f"{listing}?type={theirs.type}&is_active=true",
        ],
    )
    created = client.post(
        listing,
        {"name": "SEN service", "type": "la_service", "parent": str(theirs.public_id)},
        content_type="application/json",
    )
    _assert_refused_and_nothing_created(created, "parent", Organisation, name="SEN service")
    # In the very words an id that never existed gets.
    unknown = client.post(
        listing,
        {"name": "SEN service", "type": "la_service", "parent": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert unknown.content == created.content


def organisation_detail_case(client, ours, outsider) -> None:
    theirs = ours.council
    detail = reverse("organisation-detail", kwargs={"id": theirs.public_id})
    # Over the session these also pass CSRF's check (the test client skips it by default), so
    # the answer is the API's own.
    assert_tenant_isolated(client, theirs, detail_urls=[detail], write_requests=api_writes(detail))
    # Their own organisation cannot be put under ours either.
    own = outsider.organisation
    moved = client.patch(
        reverse("organisation-detail", kwargs={"id": own.public_id}),
        {"parent": str(theirs.public_id), "version": own.version},
        content_type="application/json",
    )
    _assert_refused_and_nothing_created(moved, "parent", Organisation, pk=own.pk, parent=theirs)


def organisation_designated_managers_case(client, ours, outsider) -> None:
    theirs, manager = ours.council, ours.member(Role.MANAGER)
    with activate(ours.tenant):
        services.organisation_set_designated_managers(
            actor=ours.member(Role.IG_OFFICER), organisation=theirs, managers=[manager]
        )
    url = reverse("organisation-designated-managers", kwargs={"id": theirs.public_id})
    assert_tenant_isolated(
        client,
        theirs,
        detail_urls=[url],
        write_requests=api_writes(url, {"designated_managers": [str(outsider.public_id)]}),
    )
    links = DesignatedManager._base_manager.filter(organisation=theirs)
    assert list(links.values_list("membership_id", flat=True)) == [manager.pk]
    # Nor can our manager be designated for their organisation.
    own = outsider.organisation
    designated = client.put(
        reverse("organisation-designated-managers", kwargs={"id": own.public_id}),
        {"designated_managers": [str(manager.public_id)]},
        content_type="application/json",
    )
    _assert_refused_and_nothing_created(
        designated, "designated_managers", DesignatedManager, membership=manager, organisation=own
    )


def organisation_contact_list_case(client, ours, outsider) -> None:
    contact = _our_contact(ours)
    theirs = ours.school
    url = reverse("organisation-contact-list", kwargs={"id": theirs.public_id})
    new_contact = {
        "name": "Planted",
        "role": "Lead",
        "email": "planted@example.org",
        "valid_from": "2026-01-01",
    }
    assert_tenant_isolated(
        client,
        theirs,
        detail_urls=[url, f"{url}?current=true"],
        write_requests=[("post", url, new_contact), ("put", url, new_contact)],
    )
    assert not AuthorisedContact._base_manager.filter(name="Planted").exists()
    own = reverse("organisation-contact-list", kwargs={"id": outsider.organisation.public_id})
    assert_tenant_isolated(
        client, contact, list_urls=[own, f"{own}?current=true"], markers=[contact.email]
    )


def organisation_contact_detail_case(client, ours, outsider) -> None:
    contact = _our_contact(ours)
    urls = [
        reverse(
            "organisation-contact-detail",
            kwargs={"id": organisation.public_id, "contact_id": contact.public_id},
        )
        # Under its own organisation, and smuggled under the outsider's.
        for organisation in (ours.school, outsider.organisation)
    ]
    writes = [w for url in urls for w in api_writes(url, {"valid_to": "2020-06-30"})]
    assert_tenant_isolated(client, contact, detail_urls=urls, write_requests=writes)


def membership_list_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    listing = reverse("membership-list")
    assert_tenant_isolated(
        client,
        member,
        list_urls=[listing, f"{listing}?organisation={ours.school.public_id}&is_active=true"],
        markers=[member.user.email, member.user.full_name],
    )


def membership_detail_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    detail = reverse("membership-detail", kwargs={"id": member.public_id})
    assert_tenant_isolated(
        client,
        member,
        detail_urls=[detail],
        write_requests=api_writes(detail, {"role": Role.IG_OFFICER}),
        markers=[member.user.email],
    )
    # Nor can one of their people be moved into our organisation.
    theirs = Membership._base_manager.get(tenant=outsider.tenant, role=Role.PRACTITIONER)
    moved = client.patch(
        reverse("membership-detail", kwargs={"id": theirs.public_id}),
        {"organisation": str(ours.school.public_id)},
        content_type="application/json",
    )
    _assert_refused_and_nothing_created(
        moved, "organisation", Membership, pk=theirs.pk, organisation=ours.school
    )


def membership_deactivate_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    url = reverse("membership-deactivate", kwargs={"id": member.public_id})
    assert_tenant_isolated(
        client, member, detail_urls=[url], write_requests=[("post", url, {}), ("put", url, {})]
    )


def invitation_list_case(client, ours, outsider) -> None:
    invited = client.post(
        reverse("invitation-list"),
        {
            "email": "someone.new@example.org",
            "full_name": "Someone New",
            "organisation": str(ours.school.public_id),
            "role": Role.SENCO,
        },
        content_type="application/json",
    )
    _assert_refused_and_nothing_created(
        invited, "organisation", Invitation, email="someone.new@example.org"
    )


def training_record_list_case(client, ours, outsider) -> None:
    record = _our_training(ours)
    member = record.membership
    listing = reverse("training-record-list")
    assert_tenant_isolated(
        client,
        record,
        list_urls=[
            listing,
            f"{listing}?membership={member.public_id}",
            f"{listing}?status=current",
        ],
        markers=[record.course, str(member.public_id)],
    )
    recorded = client.post(
        listing,
        {"membership": str(member.public_id), "course": "Planted", "completed_on": "2026-01-05"},
        content_type="application/json",
    )
    _assert_refused_and_nothing_created(recorded, "membership", TrainingRecord, course="Planted")


def training_record_detail_case(client, ours, outsider) -> None:
    record = _our_training(ours)
    detail = reverse("training-record-detail", kwargs={"id": record.public_id})
    assert_tenant_isolated(
        client,
        record,
        detail_urls=[detail],
        write_requests=api_writes(detail, {"course": "Changed", "completed_on": "2026-01-05"}),
        markers=[record.course],
    )


API_CASES: dict[str, Callable] = {
    "organisation-list": organisation_list_case,
    "organisation-detail": organisation_detail_case,
    "organisation-designated-managers": organisation_designated_managers_case,
    "organisation-contact-list": organisation_contact_list_case,
    "organisation-contact-detail": organisation_contact_detail_case,
    "membership-list": membership_list_case,
    "membership-detail": membership_detail_case,
    "membership-deactivate": membership_deactivate_case,
    "invitation-list": invitation_list_case,
    "training-record-list": training_record_list_case,
    "training-record-detail": training_record_detail_case,
}

# Partners API routes that address no tenant's object, and why.
NOT_TENANT_ROUTES = {
    "api_token": "Sign-in: exchanges credentials for a token; the tenant comes from the result.",
}


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("route", sorted(API_CASES))
def test_the_api_hides_another_partnerships_objects(route, auth, partnership, outsider, client_for):
    client = RecordingClient(
        client_for(outsider) if auth == "session" else api_token_client(outsider)
    )

    API_CASES[route](client, partnership, outsider)

    assert route in {resolve(p).url_name for p in client.paths}, f"{route} was not exercised"


def test_every_partners_api_route_is_checked():
    api_routes = {
        name
        for route, name, module in _routes(get_resolver().url_patterns)
        if route.startswith("api/") and module.startswith("partners.")
    }

    unchecked = api_routes - set(API_CASES) - set(NOT_TENANT_ROUTES)
    assert not unchecked, f"Add these routes to API_CASES: {sorted(unchecked)}"
    gone = (set(API_CASES) | set(NOT_TENANT_ROUTES)) - api_routes
    assert not gone, f"These checked routes no longer exist: {sorted(gone)}"
