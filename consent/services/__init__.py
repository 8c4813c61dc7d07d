"""Writes for children and consent. Every service takes keyword arguments, starting with the
acting membership, checks its role and that its organisation may see the child, validates,
saves with history and returns the object. Split by concern; import from `consent.services`."""

from consent.access import subject_sync_access
from consent.services._common import ConcurrentEdit
from consent.services.consents import (
    ThirdParty,
    consent_attach_form,
    consent_record,
    consent_review,
    consent_settings_update,
    consent_withdraw,
    consents_expire_due,
    default_review_due,
)
from consent.services.requests import subject_access_request_record
from consent.services.subjects import (
    PossibleDuplicate,
    subject_create,
    subject_update,
    team_member_add,
    team_member_end,
    team_set_lead,
)

__all__ = [
    "ConcurrentEdit",
    "PossibleDuplicate",
    "ThirdParty",
    "consent_attach_form",
    "consent_record",
    "consent_review",
    "consent_settings_update",
    "consent_withdraw",
    "consents_expire_due",
    "default_review_due",
    "subject_access_request_record",
    "subject_create",
    "subject_sync_access",
    "subject_update",
    "team_member_add",
    "team_member_end",
    "team_set_lead",
]
