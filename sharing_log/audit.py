"""The sharing log's object types in the access audit (partners.security.audit), and the one
call that records a view of a decision (pages and API alike)."""

from __future__ import annotations

from partners.security.audit import access_record, register_object_type
from partners.security.models import AccessAction

DECISION = register_object_type("sharing_decision", "A sharing decision")
DECISION_LOG_EXPORT = register_object_type("sharing_log.export", "An export of the sharing log")
INACCURACY_NOTICE = register_object_type("inaccuracy_notice", "An inaccuracy notice")


def audit_decision(request, decision) -> None:
    """Record that the request's member viewed `decision` (and so the child it is about)."""
    access_record(
        request=request,
        action=AccessAction.VIEW,
        object_type=DECISION,
        object_id=decision.public_id,
        subject_id=decision.subject.public_id if decision.subject_id else None,
    )


def audit_notice(request, notice) -> None:
    """Record that the request's member viewed an inaccuracy notice (about its decision's child)."""
    decision = notice.decision
    access_record(
        request=request,
        action=AccessAction.VIEW,
        object_type=INACCURACY_NOTICE,
        object_id=notice.public_id,
        subject_id=decision.subject.public_id if decision.subject_id else None,
    )
