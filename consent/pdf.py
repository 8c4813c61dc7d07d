"""The consent PDFs (WeasyPrint): a consent form pre-filled for the child and the agreement's
consent scopes, to print and sign; and a consent receipt of what was agreed, for the family.

Both are rendered from Django templates (templates/consent/pdf/), so everything typed is
escaped, through agreements.pdf's `html_to_pdf`, whose URL fetcher reads the project's static
files and nothing else. A file's name never carries the child's name: it is named by the id of
the record.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from agreements.choices import SignatoryStatus
from agreements.models import Agreement
from agreements.pdf import html_to_pdf
from consent.choices import SpecialCategory
from consent.models import ConsentRecord, DataSubject
from consent.selectors import consent_settings
from consent.validators import format_nhs_number


def _common() -> dict:
    return {
        "service_name": getattr(settings, "SHAREWELL_SERVICE_NAME", "Sharewell"),
        "generated_at": timezone.localtime(),
    }


def consent_form_context(subject: DataSubject, agreement: Agreement) -> dict:
    signatories = (
        agreement.signatories.filter(status=SignatoryStatus.SIGNED)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return {
        **_common(),
        "subject": subject,
        "nhs_number": format_nhs_number(subject.nhs_number),
        "agreement": agreement,
        "scopes": list(agreement.consent_scopes.all()),
        "organisations": [signatory.organisation for signatory in signatories],
        "special_categories": SpecialCategory.choices,
        "review_months": consent_settings().review_months,
    }


def consent_form_pdf(subject: DataSubject, agreement: Agreement) -> bytes:
    """The consent form for this child under this agreement, ready to print and sign. The
    caller has checked that the viewer may see the child and read the agreement."""
    html = render_to_string("consent/pdf/form.html", consent_form_context(subject, agreement))
    return html_to_pdf(html)


def consent_form_filename(subject: DataSubject) -> str:
    return f"consent-form-{subject.public_id}.pdf"


def consent_receipt_context(consent: ConsentRecord) -> dict:
    return {
        **_common(),
        "consent": consent,
        "subject": consent.subject,
        "nhs_number": format_nhs_number(consent.subject.nhs_number),
        "purposes": list(consent.purposes.all()),
        "recipients": [link.organisation for link in consent.recipient_links.all()],
        "third_parties": list(consent.third_parties.all()),
        "events": list(consent.events.all()),
    }


def consent_receipt_pdf(consent: ConsentRecord) -> bytes:
    """What was agreed (or refused), to give the family. The consent comes from
    `consent_get_for`, with its purposes, recipients and timeline prefetched."""
    html = render_to_string("consent/pdf/receipt.html", consent_receipt_context(consent))
    return html_to_pdf(html)


def consent_receipt_filename(consent: ConsentRecord) -> str:
    return f"consent-receipt-{consent.public_id}.pdf"
