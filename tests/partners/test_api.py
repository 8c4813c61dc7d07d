"""The REST API shell: token and session sign-in, one error format, organisations."""

import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners.api import permission_denied, server_error
from partners.models import ApiToken, User
from partners.roles import Role
from partners.security.mfa import two_step_required
from partners.selectors import api_token_for
from partners.services import token_digest, user_deactivate
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory
from tests.security.twostep import otp_for, sign_in_verified

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"
LIST_URL = "/api/organisations/"


def detail_url(organisation) -> str:
    return f"{LIST_URL}{organisation.public_id}/"


def obtain(email: str, password: str = DEFAULT_PASSWORD, **extra):
    # Those who must use two-step verification give the code from their app as well.
    user = User.objects.filter(email__iexact=email).first()
    if "otp" not in extra and user is not None and two_step_required(user):
        extra["otp"] = otp_for(user)
    return Client().post(
        TOKEN_URL, {"email": email, "password": password, **extra}, content_type="application/json"
    )


def token_for(membership) -> str:
    response = obtain(membership.user.email, membership=str(membership.public_id))
    assert response.status_code == 201, response.content
    return response.json()["token"]


def token_client(token: str, keyword: str = "Bearer") -> Client:
    return Client(headers={"Authorization": f"{keyword} {token}"})


def names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def assert_error(response, status: int, error_type: str, code: str, attr=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] == error_type, body
    assert {"code": code, "attr": attr} in [
        {"code": e["code"], "attr": e["attr"]} for e in body["errors"]
    ], body
    assert all(set(e) == {"code", "detail", "attr"} and e["detail"] for e in body["errors"])
    return body


# --- Tokens ----------------------------------------------------------------------------------


def test_a_one_membership_user_gets_a_token_for_that_membership(partnership):
    practitioner = partnership.member(Role.PRACTITIONER)

    response = obtain(practitioner.user.email.upper())

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["membership"] == str(practitioner.public_id)
    assert body["tenant"] == partnership.tenant.name
    assert body["role"] == Role.PRACTITIONER
    # Only a digest is stored: the token itself is nowhere in the database.
    assert not ApiToken.objects.filter(digest=body["token"]).exists()
    assert ApiToken.objects.get(membership=practitioner).digest != body["token"]


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_the_token_works_as_bearer_or_token(partnership, keyword):
    token = token_for(partnership.member(Role.SENCO))

    response = token_client(token, keyword).get(LIST_URL)

    assert response.status_code == 200, response.content
    assert names(response) == {partnership.council.name, partnership.school.name}


def test_a_tokens_lookup_is_one_query_reading_what_the_orm_would(partnership):
    member = partnership.member(Role.SENCO)
    token = token_for(member)
    expected = ApiToken.objects.select_related(
        "membership__user", "membership__tenant", "membership__organisation"
    ).get(digest=token_digest(token))

    with CaptureQueriesContext(connection) as queries:
        found = api_token_for(digest=token_digest(token))
        membership = found.membership
        related = (membership.user, membership.tenant, membership.organisation)

    assert len(queries) == 1
    for got, want in zip(
        (found, membership, *related),
        (
            expected,
            expected.membership,
            *(getattr(expected.membership, name) for name in ("user", "tenant", "organisation")),
        ),
        strict=True,
    ):
        assert type(got) is type(want)
        assert not got._state.adding and got._state.db == want._state.db
        for field in type(want)._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(want, field.attname), field.name
    assert api_token_for(digest=token_digest("made-up")) is None


def test_a_user_of_several_partnerships_must_name_the_membership(partnership, other_partnership):
    manager = partnership.member(Role.MANAGER)
    elsewhere = MembershipFactory(
        tenant=other_partnership.tenant,
        organisation=other_partnership.council,
        user=manager.user,
        role=Role.AUDITOR,
    )

    unnamed = obtain(manager.user.email)
    assert_error(unnamed, 400, "validation_error", "invalid", attr="membership")

    named = obtain(manager.user.email, membership=str(elsewhere.public_id))
    assert named.status_code == 201, named.content
    assert named.json()["tenant"] == other_partnership.tenant.name
    listed = token_client(named.json()["token"]).get(LIST_URL)
    assert names(listed) == {other_partnership.council.name, other_partnership.school.name}


def test_naming_someone_elses_membership_or_a_non_uuid_is_a_400(partnership):
    senco = partnership.member(Role.SENCO)
    theirs = partnership.member(Role.AUDITOR)

    assert_error(
        obtain(senco.user.email, membership=str(theirs.public_id)),
        400,
        "validation_error",
        "invalid",
        attr="membership",
    )
    assert_error(
        obtain(senco.user.email, membership="not-a-uuid"),
        400,
        "validation_error",
        "invalid",
        attr="membership",
    )
    assert not ApiToken.objects.exists()


def test_wrong_email_and_wrong_password_get_the_same_answer(partnership):
    member = partnership.member(Role.IG_OFFICER)

    wrong_password = obtain(member.user.email, password="not the password")
    wrong_email = obtain("nobody@example.org")

    assert_error(wrong_password, 400, "validation_error", "invalid", attr="non_field_errors")
    assert wrong_password.content == wrong_email.content
    assert not ApiToken.objects.exists()


def test_a_malformed_body_gets_400_with_a_message_per_field(db):
    response = Client().post(TOKEN_URL, {"email": "not-an-email"}, content_type="application/json")

    body = assert_error(response, 400, "validation_error", "invalid", attr="email")
    assert {"code": "required", "attr": "password"} in [
        {"code": e["code"], "attr": e["attr"]} for e in body["errors"]
    ]


def test_a_body_that_is_not_json_gets_400_parse_error_not_500(db):
    response = Client().post(TOKEN_URL, '{"email": ', content_type="application/json")

    assert_error(response, 400, "client_error", "parse_error")


@pytest.mark.parametrize(
    "switch_off",
    [
        pytest.param(lambda m, t: user_deactivate(user=m.user), id="user deactivated"),
        pytest.param(
            lambda m, t: type(m.user).objects.filter(pk=m.user.pk).update(is_active=False),
            id="user inactive with the token unrevoked",
        ),
        pytest.param(
            lambda m, t: ApiToken.objects.filter(membership=m).update(revoked_at=timezone.now()),
            id="token revoked",
        ),
        pytest.param(
            lambda m, t: type(m).objects.cross_tenant().filter(pk=m.pk).update(is_active=False),
            id="membership deactivated",
        ),
        pytest.param(
            lambda m, t: type(t).objects.filter(pk=t.pk).update(is_active=False),
            id="partnership deactivated",
        ),
    ],
)
def test_a_token_stops_working_when_anything_behind_it_does(partnership, switch_off):
    member = partnership.member(Role.PRACTITIONER)
    client = token_client(token_for(member))
    assert client.get(LIST_URL).status_code == 200

    switch_off(member, partnership.tenant)

    response = client.get(LIST_URL)
    assert_error(response, 401, "client_error", "authentication_failed")
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_unknown_token_and_no_credentials_are_401(db):
    assert_error(
        token_client("made-up").get(LIST_URL), 401, "client_error", "authentication_failed"
    )
    response = Client().get(LIST_URL)
    assert_error(response, 401, "client_error", "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_acts_only_in_its_own_partnership(partnership, other_partnership, outsider):
    client = token_client(token_for(outsider))

    listed = client.get(LIST_URL)

    assert listed.status_code == 200
    assert names(listed) == {other_partnership.council.name, other_partnership.school.name}
    assert_error(client.get(detail_url(partnership.council)), 404, "client_error", "not_found")


# --- Session authentication ------------------------------------------------------------------


def test_the_browser_session_works_for_reads(partnership, client_for):
    response = client_for(partnership.member(Role.AUDITOR)).get(LIST_URL)

    assert response.status_code == 200
    assert names(response) == {partnership.council.name, partnership.school.name}


def test_the_session_needs_an_active_membership(partnership, other_partnership):
    # A user of two partnerships who has not chosen one has no tenant: 403, not every tenant.
    member = partnership.member(Role.MANAGER)
    MembershipFactory(
        tenant=other_partnership.tenant, organisation=other_partnership.council, user=member.user
    )
    client = sign_in_verified(Client(), member.user)

    assert_error(client.get(LIST_URL), 403, "client_error", "permission_denied")


def test_unsafe_methods_over_the_session_need_the_csrf_token(partnership):
    client = sign_in_verified(
        Client(enforce_csrf_checks=True), partnership.member(Role.IG_OFFICER).user
    )

    refused = client.post(LIST_URL, {}, content_type="application/json")
    body = assert_error(refused, 403, "client_error", "permission_denied")
    assert "CSRF" in body["errors"][0]["detail"]

    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    passed = client.post(LIST_URL, {}, content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    # Past the CSRF check, the empty body is the API's own business.
    assert_error(passed, 400, "validation_error", "required", attr="name")


# --- One error format ------------------------------------------------------------------------


def test_an_unknown_api_url_is_a_json_404(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))

    for url in ("/api/nonsense/", "/api/organisations/not-a-uuid/"):
        body = assert_error(client.get(url), 404, "client_error", "not_found")
        assert body == {
            "type": "client_error",
            "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
        }


def test_a_page_404_stays_a_page(partnership, client_for):
    response = client_for(partnership.member(Role.IG_OFFICER)).get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_a_bad_host_on_the_api_is_a_json_400(db):
    response = Client().get(LIST_URL, HTTP_HOST="attacker.example")

    assert_error(response, 400, "client_error", "parse_error")


def test_djangos_403_and_500_answer_json_under_api_and_pages_elsewhere(db):
    factory = RequestFactory()

    denied = permission_denied(factory.get("/api/organisations/"), PermissionDenied())
    assert denied.status_code == 403
    assert json.loads(denied.content)["errors"][0]["code"] == "permission_denied"
    assert permission_denied(factory.get("/organisations/"), PermissionDenied())[
        "Content-Type"
    ].startswith("text/html")

    failed = server_error(factory.get("/api/organisations/"))
    assert failed.status_code == 500
    assert json.loads(failed.content)["type"] == "server_error"
    assert server_error(factory.get("/"))["Content-Type"].startswith("text/html")


def test_a_service_validation_error_is_a_400_with_its_field(partnership):
    # api_token_issue raises Django's ValidationError; the API answers 400, not 500.
    member = partnership.member(Role.SENCO)
    type(member).objects.cross_tenant().filter(pk=member.pk).update(is_active=False)

    assert_error(obtain(member.user.email), 400, "validation_error", "invalid", "non_field_errors")


# --- Organisations ---------------------------------------------------------------------------


def test_the_list_pages_by_cursor_newest_first(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    OrganisationFactory(tenant=partnership.tenant, name="Youth Offending Service")

    seen, url = [], f"{LIST_URL}?page_size=2"
    while url:
        page = client.get(url).json()
        assert set(page) == {"next", "previous", "results"}
        assert len(page["results"]) <= 2
        seen.extend(row["name"] for row in page["results"])
        url = page["next"]

    assert seen == [
        "Youth Offending Service",
        partnership.school.name,
        partnership.council.name,
    ]


def test_the_list_searches_by_name(partnership, client_for):
    client = client_for(partnership.member(Role.PRACTITIONER))

    assert names(client.get(f"{LIST_URL}?search=primary")) == {partnership.school.name}
    assert names(client.get(f"{LIST_URL}?search=nothing-like-it")) == set()


def test_an_organisation_is_retrieved_by_its_uuid(partnership, client_for):
    child = OrganisationFactory(
        tenant=partnership.tenant, name="SEN Service", parent=partnership.council
    )

    response = client_for(partnership.member(Role.SENCO)).get(detail_url(child))

    assert response.status_code == 200
    body = response.json()
    assert {key: body.pop(key) for key in ("created_at", "updated_at")}
    assert body == {
        "id": str(child.public_id),
        "name": "SEN Service",
        "type": "la_service",
        "parent": str(partnership.council.public_id),
        "address_line_1": "",
        "address_line_2": "",
        "town": "",
        "postcode": "",
        "phone": "",
        "urn": "",
        "la_establishment_number": "",
        "ods_code": "",
        "ico_registration_number": "",
        "ico_renewal_date": None,
        "charity_number": "",
        "company_number": "",
        "caldicott_guardian": "",
        "dpo_name": "",
        "dpo_email": "",
        "designated_managers": [],
        "security_summary": None,
        "is_active": True,
        "version": 1,
    }


def test_another_tenants_uuid_answers_exactly_like_an_unknown_one(
    partnership, outsider, client_for
):
    client = client_for(outsider)

    theirs = client.get(detail_url(partnership.council))
    unknown = client.get(f"{LIST_URL}{uuid.uuid4()}/")

    assert_error(theirs, 404, "client_error", "not_found")
    assert theirs.content == unknown.content


def test_methods_an_organisation_does_not_offer_are_405_for_your_own(partnership, client_for):
    # Organisations are deactivated, never deleted; and one is added by POST to the list.
    client = client_for(partnership.member(Role.IG_OFFICER))
    url = detail_url(partnership.council)

    for method in ("delete", "post"):
        response = getattr(client, method)(
            url, {"name": "Renamed"}, content_type="application/json"
        )
        assert_error(response, 405, "client_error", "method_not_allowed")
    partnership.council.refresh_from_db()
    assert partnership.council.name == "Kent and Medway County Council"


@pytest.mark.parametrize("auth", ["session", "token"])
def test_the_list_costs_the_same_number_of_queries_for_3_or_30_rows(partnership, client_for, auth):
    member = partnership.member(Role.IG_OFFICER)
    client = client_for(member) if auth == "session" else token_client(token_for(member))
    parent = OrganisationFactory(tenant=partnership.tenant, name="Parent")
    client.get(LIST_URL)  # Warm up: the token's first use stamps it.

    def queries_for_list() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST_URL)
        assert response.status_code == 200
        return len(response.json()["results"]), len(captured)

    few_rows, few_queries = queries_for_list()
    for n in range(27):
        OrganisationFactory(tenant=partnership.tenant, name=f"Academy {n}", parent=parent)
    many_rows, many_queries = queries_for_list()

    assert (few_rows, many_rows) == (3, 30)
    assert few_queries == many_queries
