"""What the partners API tests send and read: the API's URLs, a JSON request, a list's rows and
their ids, an error response in the one error format, and contacts and training records made
through the services."""

import datetime as dt

from partners import services
from partners.roles import Role
from partners.tenancy import activate

ORGANISATIONS = "/api/organisations/"
MEMBERSHIPS = "/api/memberships/"
INVITATIONS = "/api/invitations/"
TRAINING = "/api/training-records/"
TODAY = dt.date(2026, 11, 23)

NOT_IG = [Role.MANAGER, Role.SENCO, Role.PRACTITIONER, Role.AUDITOR]


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
