"""What the partners isolation tests share: a client that remembers the paths it was asked for,
every named route with its view's module, a client signed in to the API with a token, enough of
an organisation's name to search for, and an authorised contact and a training record of our
partnership. tests/agreements uses RecordingClient, _routes and api_token_client too."""

import datetime as dt

from django.test import Client
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from partners import services
from partners.models import AuthorisedContact, TrainingRecord
from partners.roles import Role
from partners.tenancy import activate
from tests.security.twostep import otp_for


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


def _routes(patterns, prefix: str = ""):
    """(full path, url name, view module) for every named route."""
    for pattern in patterns:
        # The platform admin spans partnerships by design and serves platform staff only.
        if isinstance(pattern, URLResolver) and pattern.namespace != "admin":
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = getattr(pattern.callback, "cls", pattern.callback)
            yield prefix + str(pattern.pattern), pattern.name, view.__module__


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


def _our_training(ours) -> TrainingRecord:
    member = ours.member(Role.PRACTITIONER)
    with activate(ours.tenant):
        return services.training_record(
            actor=member,
            membership=member,
            course="Kent schools IG refresher",
            completed_on=timezone.localdate() - dt.timedelta(days=30),
        )
