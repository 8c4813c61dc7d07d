"""Another partnership's objects do not exist for an outsider, on every route.

The outsider is the IG officer of another partnership: the strongest role there, nothing here.
Every API route of the partners app has an entry in API_CASES, run over a session and over a
token, and test_every_partners_api_route_is_checked fails for a route without one. The last
tests prove the helper itself fails on a route that leaks.
"""

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse
from django.utils import timezone
from django.utils.html import escape

from partners import services
from partners.models import (
    AccessEvent,
    AuthorisedContact,
    DesignatedManager,
    Invitation,
    Membership,
    Organisation,
    OrganisationImport,
    TrainingRecord,
)
from partners.roles import Role
from partners.tenancy import activate
from tests.isolation import assert_tenant_isolated
from tests.partners import test_pages_directory as page_forms
from tests.security.twostep import otp_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(partnership) -> Organisation:
    """An organisation of the partnership, with a name worth hunting for in a page."""
    return partnership.council


def search_for(organisation) -> str:
    """Part of the name: enough to put a leaked row on the first page, while the page's echo of
    the search box is not the whole name (which the helper would rightly call a leak)."""
    return organisation.name.split(" ", 1)[1]


def api_token_client(membership) -> Client:
    response = Client().post(
        "/api/auth/token/",
        {
            "email": membership.user.email,
            "password": "correct horse battery staple",
            "otp": otp_for(membership.user),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def api_writes(url: str, data: dict | None = None) -> list[tuple]:
    """Every method a client might try on a detail URL; each must be a 404 that changes nothing."""
    data = data or {"name": "Taken over", "type": "police", "version": 1}
    return [
        ("put", url, data),
        ("patch", url, data),
        ("delete", url, None),
        ("post", url, data),
    ]


def test_the_organisation_pages_hide_another_partnerships_organisation(
    theirs, outsider, client_for
):
    detail = reverse("organisation_detail", kwargs={"public_id": theirs.public_id})
    listing = reverse("organisation_list")

    assert_tenant_isolated(
        client_for(outsider),
        theirs,
        detail_urls=[detail],
        list_urls=[listing, f"{listing}?q={search_for(theirs)}"],
    )


# --- The API, route by route -----------------------------------------------------------------
# Each case gets a client acting as the outsider, our partnership and the outsider's membership.
# A case may also check that a UUID of ours given in a body (a parent, a membership, an
# organisation) is refused as if it did not exist, and that nothing was created.


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


def _our_contact(ours) -> AuthorisedContact:
    with activate(ours.tenant):
        return services.contact_add(
            actor=ours.member(Role.IG_OFFICER),
            organisation=ours.school,
            name="Jo Confidential-Contact",
            role="Designated safeguarding lead",
            email="jo.contact@school.example.org",
            valid_from=dt.date(2020, 1, 1),
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


def _our_training(ours) -> TrainingRecord:
    member = ours.member(Role.PRACTITIONER)
    with activate(ours.tenant):
        return services.training_record(
            actor=member,
            membership=member,
            course="Kent schools IG refresher",
            completed_on=timezone.localdate() - dt.timedelta(days=30),
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

# Every page route that shows or changes an organisation, by URL name (API routes are in
# API_CASES). A new one must be added to a test above and here, or
# test_every_organisation_route_is_checked fails.
CHECKED_ROUTES = {"organisation_list", "organisation_detail"}


class RecordingClient:
    """A test client that remembers every path it was asked for, so that a case is known to
    exercise the route it is filed under."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self.paths: set[str] = set()

    def __getattr__(self, method: str):
        send = getattr(self._client, method)
        if method not in {"get", "post", "put", "patch", "delete"}:
            return send

        def recorded(url, *args, **kwargs):
            self.paths.add(url.split("?", 1)[0])
            return send(url, *args, **kwargs)

        return recorded


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("route", sorted(API_CASES))
def test_the_api_hides_another_partnerships_objects(route, auth, partnership, outsider, client_for):
    client = RecordingClient(
        client_for(outsider) if auth == "session" else api_token_client(outsider)
    )

    API_CASES[route](client, partnership, outsider)

    assert route in {resolve(p).url_name for p in client.paths}, f"{route} was not exercised"


def _routes(patterns, prefix: str = ""):
    """(full path, url name, view module) for every named route."""
    for pattern in patterns:
        # The platform admin spans partnerships by design and serves platform staff only.
        if isinstance(pattern, URLResolver) and pattern.namespace != "admin":
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = getattr(pattern.callback, "cls", pattern.callback)
            yield prefix + str(pattern.pattern), pattern.name, view.__module__


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


def test_every_organisation_route_is_checked():
    routes = {name for _, name, _ in _routes(get_resolver().url_patterns) if "organisation" in name}
    checked = CHECKED_ROUTES | set(API_CASES) | set(PAGE_CASES)

    unchecked = routes - checked
    assert not unchecked, f"Add these routes to the isolation tests: {sorted(unchecked)}"
    assert routes >= CHECKED_ROUTES, "A checked page no longer exists; update CHECKED_ROUTES."


# --- The pages, route by route ---------------------------------------------------------------
# Every page route of the partners app has an entry in PAGE_CASES (or NOT_TENANT_PAGE_ROUTES,
# with the reason), and test_every_partners_page_route_is_checked fails for a route without one.
# Each case gets a signed-in client acting as the outsider, our partnership and the outsider.


def _page_writes(url: str, data: dict | None = None) -> list[tuple]:
    return [("post", url, data or {})]


def _assert_form_refused(response, message: str = "Select a valid choice") -> None:
    assert response.status_code == 400, response.status_code
    assert message in response.content.decode()


def dashboard_page_case(client, ours, outsider) -> None:
    assert_tenant_isolated(client, ours.council, list_urls=[reverse("dashboard")])


def organisation_list_page_case(client, ours, outsider) -> None:
    theirs = ours.school
    listing = reverse("organisation_list")
    assert_tenant_isolated(
        client,
        theirs,
        list_urls=[
            listing,
            f"{listing}?q={search_for(theirs)}",
            f"{listing}?type={theirs.type}&status=active",
        ],
    )


def organisation_detail_page_case(client, ours, outsider) -> None:
    theirs = ours.council
    assert_tenant_isolated(
        client, theirs, detail_urls=[reverse("organisation_detail", args=[theirs.public_id])]
    )


def organisation_create_page_case(client, ours, outsider) -> None:
    url = reverse("organisation_create")
    # Our organisations are not offered as a parent, and naming one is refused.
    assert_tenant_isolated(client, ours.council, list_urls=[url])
    data = page_forms.organisation_form_data(name="Planted", parent=str(ours.council.public_id))
    _assert_form_refused(client.post(url, data))
    assert not Organisation._base_manager.filter(name="Planted").exists()


def organisation_edit_page_case(client, ours, outsider) -> None:
    theirs = ours.council
    url = reverse("organisation_edit", args=[theirs.public_id])
    data = page_forms.organisation_form_data(theirs, name="Taken over")
    assert_tenant_isolated(
        client, theirs, detail_urls=[url], write_requests=_page_writes(url, data)
    )
    # Nor can the outsider's own organisation be put under ours, or managed by our people.
    own = outsider.organisation
    own_url = reverse("organisation_edit", args=[own.public_id])
    moved = client.post(
        own_url, page_forms.organisation_form_data(own, parent=str(theirs.public_id))
    )
    _assert_form_refused(moved)
    managed = client.post(
        own_url,
        page_forms.organisation_form_data(
            own, designated_managers=[str(ours.member(Role.MANAGER).public_id)]
        ),
    )
    _assert_form_refused(managed)
    own.refresh_from_db()
    assert (own.parent, own.version) == (None, 1)
    assert not DesignatedManager._base_manager.filter(organisation=own).exists()


def organisation_security_summary_page_case(client, ours, outsider) -> None:
    theirs = ours.council
    with activate(ours.tenant):
        services.organisation_update(
            actor=ours.member(Role.IG_OFFICER),
            organisation=theirs,
            expected_version=theirs.version,
            security_summary=page_forms.pdf(),
        )
    url = reverse("organisation_security_summary", args=[theirs.public_id])
    assert_tenant_isolated(client, theirs, detail_urls=[url])


def contact_add_page_case(client, ours, outsider) -> None:
    theirs = ours.school
    url = reverse("contact_add", args=[theirs.public_id])
    data = {
        "name": "Planted",
        "role": "Lead",
        "email": "planted@example.org",
        **page_forms.date_parts("valid_from", dt.date(2026, 1, 1)),
    }
    assert_tenant_isolated(
        client, theirs, detail_urls=[url], write_requests=_page_writes(url, data)
    )
    assert not AuthorisedContact._base_manager.filter(name="Planted").exists()


def contact_edit_page_case(client, ours, outsider) -> None:
    contact = _our_contact(ours)
    urls = [
        reverse("contact_edit", args=[organisation.public_id, contact.public_id])
        # Under its own organisation, and smuggled under the outsider's.
        for organisation in (ours.school, outsider.organisation)
    ]
    data = {
        "name": "Taken over",
        "role": "Lead",
        "email": "taken@example.org",
        **page_forms.date_parts("valid_from", dt.date(2020, 1, 1)),
        **page_forms.date_parts("valid_to", dt.date(2020, 6, 30)),
    }
    assert_tenant_isolated(
        client,
        contact,
        detail_urls=urls,
        write_requests=[w for url in urls for w in _page_writes(url, data)],
        markers=[contact.email],
    )


def _our_import(ours) -> OrganisationImport:
    return page_forms.upload_sample(ours)


def organisation_import_upload_page_case(client, ours, outsider) -> None:
    job = _our_import(ours)
    url = reverse("organisation_import_upload")
    assert_tenant_isolated(
        client, job, list_urls=[url], markers=[ours.member(Role.IG_OFFICER).user.full_name]
    )


def organisation_import_preview_page_case(client, ours, outsider) -> None:
    job = _our_import(ours)
    url = reverse("organisation_import_preview", args=[job.public_id])
    assert_tenant_isolated(client, job, detail_urls=[url], write_requests=_page_writes(url))
    assert OrganisationImport._base_manager.get(pk=job.pk).status == "previewed"


def organisation_import_progress_page_case(client, ours, outsider) -> None:
    job = _our_import(ours)
    url = reverse("organisation_import_progress", args=[job.public_id])
    assert_tenant_isolated(client, job, detail_urls=[url])


def organisation_import_status_page_case(client, ours, outsider) -> None:
    job = _our_import(ours)
    url = reverse("organisation_import_status", args=[job.public_id])
    assert_tenant_isolated(client, job, detail_urls=[url])


def membership_list_page_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    assert_tenant_isolated(
        client,
        member,
        list_urls=[reverse("membership_list")],
        markers=[member.user.email, member.user.full_name],
    )


def membership_detail_page_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    url = reverse("membership_detail", args=[member.public_id])
    assert_tenant_isolated(client, member, detail_urls=[url])


def membership_invite_page_case(client, ours, outsider) -> None:
    url = reverse("membership_invite")
    # Our organisations are not offered, and naming one is refused.
    assert_tenant_isolated(client, ours.school, list_urls=[url])
    invited = client.post(
        url,
        {
            "full_name": "Someone New",
            "email": "someone.new@example.org",
            "organisation": str(ours.school.public_id),
            "role": Role.SENCO,
        },
    )
    _assert_form_refused(invited)
    assert not Invitation._base_manager.filter(email="someone.new@example.org").exists()


def membership_change_page_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    url = reverse("membership_change", args=[member.public_id])
    data = {"role": Role.IG_OFFICER, "organisation": str(outsider.organisation.public_id)}
    assert_tenant_isolated(
        client, member, detail_urls=[url], write_requests=_page_writes(url, data)
    )
    # Nor can one of their people be moved into our organisation.
    theirs = Membership._base_manager.get(tenant=outsider.tenant, role=Role.PRACTITIONER)
    moved = client.post(
        reverse("membership_change", args=[theirs.public_id]),
        {"role": Role.PRACTITIONER, "organisation": str(ours.school.public_id)},
    )
    _assert_form_refused(moved)
    assert Membership._base_manager.get(pk=theirs.pk).organisation_id != ours.school.pk


def membership_deactivate_page_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    url = reverse("membership_deactivate", args=[member.public_id])
    assert_tenant_isolated(client, member, detail_urls=[url], write_requests=_page_writes(url))


def membership_training_record_page_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    url = reverse("membership_training_record", args=[member.public_id])
    data = {"course": "Planted", **page_forms.date_parts("completed_on", dt.date(2026, 1, 5))}
    assert_tenant_isolated(
        client, member, detail_urls=[url], write_requests=_page_writes(url, data)
    )
    assert not TrainingRecord._base_manager.filter(course="Planted").exists()


def my_training_page_case(client, ours, outsider) -> None:
    record = _our_training(ours)
    for url in (reverse("my_training"), reverse("my_training_record")):
        assert_tenant_isolated(client, record, list_urls=[url], markers=[record.course])


def my_training_record_page_case(client, ours, outsider) -> None:
    # Recording "my" training always records the outsider's own, never anyone of ours.
    client.post(
        reverse("my_training_record"),
        {"course": "Planted", **page_forms.date_parts("completed_on", dt.date(2026, 1, 5))},
    )
    planted = TrainingRecord._base_manager.get(course="Planted")
    assert (planted.tenant, planted.membership) == (outsider.tenant, outsider)


def training_evidence_page_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    with activate(ours.tenant):
        record = services.training_record(
            actor=member,
            membership=member,
            course="IG refresher with certificate",
            completed_on=timezone.localdate(),
            evidence=page_forms.pdf("certificate.pdf"),
        )
    url = reverse("training_evidence", args=[record.public_id])
    assert_tenant_isolated(client, record, detail_urls=[url])


def training_policy_page_case(client, ours, outsider) -> None:
    url = reverse("training_policy")
    assert_tenant_isolated(client, ours.tenant, list_urls=[url])
    # The setting the outsider saves is their own partnership's, never ours.
    assert client.post(url, {"untrained_decision_policy": "block"}).status_code == 302
    ours.tenant.refresh_from_db()
    outsider.tenant.refresh_from_db()
    assert (ours.tenant.untrained_decision_policy, outsider.tenant.untrained_decision_policy) == (
        "warn",
        "block",
    )


def _our_access_event(ours) -> AccessEvent:
    member = ours.member(Role.IG_OFFICER)
    return AccessEvent.objects.create(
        tenant=ours.tenant,
        membership=member,
        action="download",
        object_type="organisation.security_summary",
        object_id=ours.council.public_id,
        channel="page",
    )


def security_access_log_page_case(client, ours, outsider) -> None:
    event = _our_access_event(ours)
    url = reverse("security_access_log")
    markers = [str(ours.council.public_id), ours.member(Role.IG_OFFICER).user.full_name]
    filtered = f"{url}?action=download&object_type=organisation.security_summary"
    assert_tenant_isolated(client, event, list_urls=[url, filtered], markers=markers)
    # Searching for one of our people by their email finds none of their entries.
    found = client.get(url, {"who": event.membership.user.email})
    assert found.status_code == 200
    assert found.context["events"] == []
    assert str(ours.council.public_id) not in found.content.decode()


def security_access_log_export_page_case(client, ours, outsider) -> None:
    event = _our_access_event(ours)
    url = reverse("security_access_log_export")
    markers = [str(ours.council.public_id), ours.member(Role.IG_OFFICER).user.email]
    assert_tenant_isolated(client, event, list_urls=[url], markers=markers)


def _lock_out(member) -> None:
    AccessAttempt.objects.create(
        username=member.user.email,
        ip_address="198.51.100.7",
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/sign-in/",
    )


def security_locked_accounts_page_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    _lock_out(member)
    assert_tenant_isolated(
        client,
        member,
        list_urls=[reverse("security_locked_accounts")],
        markers=[member.user.full_name, member.user.email],
    )


def security_unlock_page_case(client, ours, outsider) -> None:
    member = ours.member(Role.PRACTITIONER)
    _lock_out(member)
    url = reverse("security_unlock", args=[member.public_id])
    assert_tenant_isolated(client, member, write_requests=_page_writes(url))
    assert AccessAttempt.objects.filter(username=member.user.email).exists()


def security_settings_page_case(client, ours, outsider) -> None:
    url = reverse("security_settings")
    assert_tenant_isolated(client, ours.tenant, list_urls=[url])
    # The settings the outsider saves are their own partnership's, never ours.
    saved = client.post(url, {"mfa_required_for_everyone": "on", "session_idle_minutes": "15"})
    assert saved.status_code == 302
    ours.tenant.refresh_from_db()
    outsider.tenant.refresh_from_db()
    assert (ours.tenant.mfa_required_for_everyone, ours.tenant.session_idle_minutes) == (False, 30)
    assert (outsider.tenant.mfa_required_for_everyone, outsider.tenant.session_idle_minutes) == (
        True,
        15,
    )


PAGE_CASES: dict[str, Callable] = {
    "dashboard": dashboard_page_case,
    "organisation_list": organisation_list_page_case,
    "organisation_detail": organisation_detail_page_case,
    "organisation_create": organisation_create_page_case,
    "organisation_edit": organisation_edit_page_case,
    "organisation_security_summary": organisation_security_summary_page_case,
    "contact_add": contact_add_page_case,
    "contact_edit": contact_edit_page_case,
    "organisation_import_upload": organisation_import_upload_page_case,
    "organisation_import_preview": organisation_import_preview_page_case,
    "organisation_import_progress": organisation_import_progress_page_case,
    "organisation_import_status": organisation_import_status_page_case,
    "membership_list": membership_list_page_case,
    "membership_detail": membership_detail_page_case,
    "membership_invite": membership_invite_page_case,
    "membership_change": membership_change_page_case,
    "membership_deactivate": membership_deactivate_page_case,
    "membership_training_record": membership_training_record_page_case,
    "my_training": my_training_page_case,
    "my_training_record": my_training_record_page_case,
    "training_evidence": training_evidence_page_case,
    "training_policy": training_policy_page_case,
    "security_access_log": security_access_log_page_case,
    "security_access_log_export": security_access_log_export_page_case,
    "security_locked_accounts": security_locked_accounts_page_case,
    "security_unlock": security_unlock_page_case,
    "security_settings": security_settings_page_case,
}

# Partners page routes that address no tenant's object, and why.
NOT_TENANT_PAGE_ROUTES = {
    "choose_membership": "Lists the signed-in user's own memberships across partnerships.",
    "invitation_accept": "Reached by a one-time secret link before the invitee is a member; "
    "the invitation names its own partnership (tests/partners/test_pages_directory.py).",
    "logout": "Signing out.",
    # The signed-in person's own account (partners/security): no partnership's data.
    "security_two_step_verify": "The code from the person's own authenticator app.",
    "security_two_step_setup": "Setting up the person's own authenticator app.",
    "security_account": "The person's own two-step verification and sessions.",
    "security_recovery_codes": "The person's own recovery codes.",
    "security_sign_out_everywhere": "Ends the person's own sessions.",
}


@pytest.fixture
def _page_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("route", sorted(PAGE_CASES))
def test_the_pages_hide_another_partnerships_objects(
    route, partnership, outsider, client_for, _page_media
):
    client = RecordingClient(client_for(outsider))

    PAGE_CASES[route](client, partnership, outsider)

    assert route in {resolve(p).url_name for p in client.paths}, f"{route} was not exercised"


def test_every_partners_page_route_is_checked():
    page_routes = {
        name
        for route, name, module in _routes(get_resolver().url_patterns)
        if not route.startswith("api/") and module.startswith("partners.")
    }

    unchecked = page_routes - set(PAGE_CASES) - set(NOT_TENANT_PAGE_ROUTES)
    assert not unchecked, f"Add these routes to PAGE_CASES: {sorted(unchecked)}"
    gone = (set(PAGE_CASES) | set(NOT_TENANT_PAGE_ROUTES)) - page_routes
    assert not gone, f"These checked routes no longer exist: {sorted(gone)}"


# --- The helper can fail ---------------------------------------------------------------------
# Deliberately leaky views, reachable only in the tests below (they use this module as
# ROOT_URLCONF). They read past the tenant-scoped manager, as a forgotten scope would.


def leaky_detail(request, public_id):
    organisation = Organisation._base_manager.get(public_id=public_id)
    return JsonResponse({"id": str(organisation.public_id), "name": organisation.name})


def leaky_list(request):
    names = ", ".join(escape(o.name) for o in Organisation._base_manager.all())
    return HttpResponse(f"<ul><li>{names}</li></ul>")


def leaky_write(request, public_id):
    # Answers 404 as it should, but renames the organisation first.
    Organisation._base_manager.filter(public_id=public_id).update(name="Taken over")
    return HttpResponseNotFound("Not found")


def odd_404(request, public_id):
    # A 404 whose body differs from an unknown id's tells the caller the object exists.
    found = Organisation._base_manager.filter(public_id=public_id).exists()
    return JsonResponse({"detail": "Not found.", "exists": found}, status=404)


urlpatterns = [
    path("leaky/<uuid:public_id>/", leaky_detail),
    path("leaky/", leaky_list),
    path("leaky-write/<uuid:public_id>/", leaky_write),
    path("api/odd/<uuid:public_id>/", odd_404),
]


@pytest.mark.urls(__name__)
def test_the_helper_fails_on_a_detail_route_that_answers(theirs, outsider, client_for):
    with pytest.raises(AssertionError, match=r"GET /leaky/.* answered 200, not 404"):
        assert_tenant_isolated(
            client_for(outsider), theirs, detail_urls=[f"/leaky/{theirs.public_id}/"]
        )


@pytest.mark.urls(__name__)
def test_the_helper_fails_on_a_list_that_shows_the_object_even_escaped(
    partnership, outsider, client_for
):
    theirs = Organisation._base_manager.create(
        tenant=partnership.tenant, name="O'Brien & Daughters Nursery", type="early_years"
    )

    with pytest.raises(AssertionError, match="shows another tenant's object"):
        assert_tenant_isolated(client_for(outsider), theirs, list_urls=["/leaky/"])


@pytest.mark.urls(__name__)
def test_the_helper_fails_on_a_write_that_404s_but_changes_the_object(theirs, outsider, client_for):
    with pytest.raises(AssertionError, match="changed the object"):
        assert_tenant_isolated(
            client_for(outsider),
            theirs,
            write_requests=[("post", f"/leaky-write/{theirs.public_id}/", {})],
        )


@pytest.mark.urls(__name__)
def test_the_helper_fails_on_a_404_that_differs_from_an_unknown_ids(theirs, outsider, client_for):
    with pytest.raises(AssertionError, match="unlike an id that never existed"):
        assert_tenant_isolated(
            client_for(outsider), theirs, detail_urls=[f"/api/odd/{theirs.public_id}/"]
        )


def test_the_helper_fails_for_a_client_that_is_not_signed_in(theirs):
    # A redirect to sign-in or a 401 never counts as "hidden".
    with pytest.raises(AssertionError, match="answered 302, not 200"):
        assert_tenant_isolated(Client(), theirs, list_urls=[reverse("organisation_list")])
    with pytest.raises(AssertionError, match="answered 401, not 200"):
        assert_tenant_isolated(Client(), theirs, list_urls=[reverse("organisation-list")])
