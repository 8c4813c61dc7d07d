"""Helpers for the agreements API tests: urls under /api/agreements/, JSON requests, the
errors of a 400 by field, and agreements of a partnership in draft, in force, and signed
by an organisation.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agreements import services
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_active, make_draft

JSON = "application/json"
LIST = "/api/agreements/"


def url(agreement, *rest) -> str:
    return "/".join([f"{LIST}{agreement.public_id}", *[str(part) for part in rest], ""])


def post(client, path, data=None):
    return client.post(path, data or {}, content_type=JSON)


def patch(client, path, data):
    return client.patch(path, data, content_type=JSON)


def errors(response) -> dict:
    return {error["attr"]: error["detail"] for error in response.json()["errors"]}


def today() -> dt.date:
    return timezone.localdate()


def active_agreement(partnership, **fields):
    with activate(partnership.tenant):
        return make_active(partnership, partnership.member(Role.IG_OFFICER), **fields)


def draft_agreement(partnership, **fields):
    with activate(partnership.tenant):
        return make_draft(partnership, **fields)


def signed_by(partnership, agreement, organisation, name="Sam Signer"):
    officer = partnership.member(Role.IG_OFFICER)
    with activate(partnership.tenant):
        signatory = services.signatory_invite(
            actor=officer, agreement=agreement, organisation=organisation
        )
        return services.signatory_sign(
            actor=officer,
            signatory=signatory,
            signer_name=name,
            signer_title="Director",
            typed_signature=name,
        )


def fresh(obj):
    return type(obj)._base_manager.get(pk=obj.pk)
