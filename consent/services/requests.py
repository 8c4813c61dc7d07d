"""Subject access requests made about a child."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from consent.ages import AGE_OF_REVIEW
from consent.choices import ChildConfirmation, Requester
from consent.models import DataSubject, SubjectAccessRequest
from consent.services._common import require, require_not_future, require_visible, save
from consent.validators import age_on
from partners.models import Membership


def child_confirmation_applies(*, requester: str, child_age: int) -> bool:
    """SEND partnership policy: for a child over 12, a parent's request on the child's behalf
    records whether the child's confirmation was sought."""
    return requester == Requester.PARENT and child_age >= AGE_OF_REVIEW


@transaction.atomic
def subject_access_request_record(
    *,
    actor: Membership,
    subject: DataSubject,
    requester: Requester | str,
    requester_name: str,
    received_on: date,
    child_confirmation_sought: bool | None = None,
    child_confirmation: ChildConfirmation | str = "",
    not_sought_because: str = "",
    notes: str = "",
) -> SubjectAccessRequest:
    require(actor, "consent.record")
    require_visible(actor, subject)
    require_not_future(received_on, "received_on")
    requester = Requester(requester)
    child_age = age_on(subject.date_of_birth, received_on)
    errors: dict[str, str] = {}
    if not requester_name.strip():
        errors["requester_name"] = "Name the person making the request."
    if child_confirmation_applies(requester=requester, child_age=child_age):
        if child_confirmation_sought is None:
            errors["child_confirmation_sought"] = (
                "The child is over 12: say whether their confirmation was sought."
            )
        elif child_confirmation_sought and child_confirmation not in ChildConfirmation.values:
            errors["child_confirmation"] = "Record the child's answer (or that it is awaited)."
        elif not child_confirmation_sought and not not_sought_because.strip():
            errors["not_sought_because"] = "Say why the child's confirmation was not sought."
    else:
        child_confirmation_sought, child_confirmation, not_sought_because = None, "", ""
    if errors:
        raise ValidationError(errors)
    request = SubjectAccessRequest(
        tenant_id=subject.tenant_id,
        subject=subject,
        requester=requester,
        requester_name=requester_name.strip(),
        received_on=received_on,
        child_age_on_receipt=child_age,
        child_confirmation_sought=child_confirmation_sought,
        child_confirmation=child_confirmation if child_confirmation_sought else "",
        not_sought_because=not_sought_because.strip() if child_confirmation_sought is False else "",
        notes=notes.strip(),
        recorded_by=actor,
    )
    save(request, actor)
    return request
