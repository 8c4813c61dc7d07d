"""The consent app's part of the access audit (partners.security.audit): its object types, and
one call for each kind of access its pages and API record — every view of a child's record or a
consent, every check for consent, every PDF and every signed form downloaded."""

from __future__ import annotations

from consent.models import ConsentRecord, DataSubject
from partners.security.audit import access_record, register_object_type
from partners.security.models import AccessAction

CHILD = register_object_type("child", "A child's record")
CONSENT = register_object_type("consent", "A consent record")
CONSENT_CHECK = register_object_type("consent.check", "A check for current consent")
CONSENT_FORM_PDF = register_object_type("consent.form_pdf", "A consent form to print and sign")
CONSENT_RECEIPT_PDF = register_object_type("consent.receipt_pdf", "A consent receipt")
SIGNED_FORM = register_object_type("consent.signed_form", "A signed consent form")


def audit_child(
    request, subject: DataSubject, *, object_type: str = CHILD, action: str = AccessAction.VIEW
) -> None:
    """Something about the child as a whole: their record, or their consent form as a PDF."""
    access_record(
        request=request,
        action=action,
        object_type=object_type,
        object_id=subject.public_id,
        subject_id=subject.public_id,
    )


def audit_consent(
    request,
    consent: ConsentRecord,
    *,
    object_type: str = CONSENT,
    action: str = AccessAction.VIEW,
) -> None:
    access_record(
        request=request,
        action=action,
        object_type=object_type,
        object_id=consent.public_id,
        subject_id=consent.subject.public_id,
    )
