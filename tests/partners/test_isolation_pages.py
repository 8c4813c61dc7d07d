"""The partners pages hide another partnership's objects, route by route. For the outsider, the
IG officer of another partnership, our objects are not found, not listed and not changed, and
naming one of them in a form is refused. Every page route of the partners app has an entry in
PAGE_CASES (or in NOT_TENANT_PAGE_ROUTES, with the reason), and every route that shows or
changes an organisation, page or API, is checked here or in test_isolation_api.py."""

import datetime as dt
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

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
from tests.partners import pages_directory_helpers as page_forms
from tests.partners.isolation_helpers import (
    RecordingClient,
    _our_contact,
    _our_training,
    _routes,
    search_for,
)
from tests.partners.test_isolation_api import API_CASES

pytestmark = pytest.mark.django_db


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


# Every page route that shows or changes an organisation, by URL name (API routes are in
# API_CASES). A new one must be added to a test above and here, or
# test_every_organisation_route_is_checked fails.
CHECKED_ROUTES = {"organisation_list", "organisation_detail"}


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
    "the invitation names its own partnership (tests/partners/test_pages_directory_people.py).",
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
