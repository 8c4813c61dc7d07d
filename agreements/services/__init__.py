"""Writes for agreements. Every service takes keyword arguments, starting with the acting
membership, checks its permission, validates, saves with history and returns the object.
Split by concern; import from `agreements.services`."""

from agreements.services._common import ConcurrentEdit, require_content_editable
from agreements.services.consultations import (
    change_decide,
    change_propose,
    change_respond,
    consultation_close_deadline,
    consultations_close_due,
)
from agreements.services.content import SECTIONS, agreement_set_content, legal_basis_add
from agreements.services.lifecycle import (
    agreement_approve,
    agreement_circulate,
    agreement_create,
    agreement_expire,
    agreement_return_to_draft,
    agreement_start_review,
    agreement_supersede,
    agreement_update,
    agreement_withdraw,
    first_review_date,
    following_review_date,
)
from agreements.services.permissions import agreement_grant_editor, agreement_revoke_editor
from agreements.services.reviews import (
    audit_request_cancel,
    audit_request_complete,
    audit_request_create,
    review_action_add,
    review_action_complete,
    review_complete,
    review_record_findings,
    review_report,
    review_report_due,
)
from agreements.services.signing import (
    signatory_decline,
    signatory_invite,
    signatory_sign,
    signatory_withdraw,
)

__all__ = [
    "SECTIONS",
    "ConcurrentEdit",
    "agreement_approve",
    "agreement_circulate",
    "agreement_create",
    "agreement_expire",
    "agreement_grant_editor",
    "agreement_return_to_draft",
    "agreement_revoke_editor",
    "agreement_set_content",
    "agreement_start_review",
    "agreement_supersede",
    "agreement_update",
    "agreement_withdraw",
    "audit_request_cancel",
    "audit_request_complete",
    "audit_request_create",
    "change_decide",
    "change_propose",
    "change_respond",
    "consultation_close_deadline",
    "consultations_close_due",
    "first_review_date",
    "following_review_date",
    "legal_basis_add",
    "require_content_editable",
    "review_action_add",
    "review_action_complete",
    "review_complete",
    "review_record_findings",
    "review_report",
    "review_report_due",
    "signatory_decline",
    "signatory_invite",
    "signatory_sign",
    "signatory_withdraw",
]
