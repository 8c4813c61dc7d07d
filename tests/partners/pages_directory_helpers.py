"""What the partners directory page tests post, upload and start from: a date as the three
fields the forms post, the organisation form's fields, a PDF, an ODT and the GIAS sample extract
to upload, an authorised contact, an import and a training record made through the services, the
visible text of a page and the number of queries it runs. The isolation tests and tests/security
use them too."""

import datetime as dt
import html as html_module
import io
import re
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners import services
from partners.models import AuthorisedContact, Organisation, OrganisationImport, TrainingRecord
from partners.roles import Role
from partners.tenancy import activate

SAMPLE = Path(__file__).resolve().parents[2] / "partners" / "fixtures" / "gias_sample.csv"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def visible_text(html: str | bytes) -> str:
    html = html.decode() if isinstance(html, bytes) else html
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def pdf(name: str = "security.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = PDF if size is None else PDF + b"0" * (size - len(PDF))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def odt(name: str = "security.odt") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def date_parts(name: str, value: dt.date | None) -> dict:
    if value is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(value.day),
        f"{name}_month": str(value.month),
        f"{name}_year": str(value.year),
    }


def organisation_form_data(organisation: Organisation | None = None, **changes) -> dict:
    """What the organisation form posts: the organisation's values, then the changes."""
    data = {
        "name": "Kent Community Health NHS Foundation Trust",
        "type": "nhs_trust",
        "parent": "",
        "is_active": "on",
        "address_line_1": "Trinity House",
        "address_line_2": "110-120 Upper Pemberton",
        "town": "Ashford",
        "postcode": "tn25 4ay",
        "phone": "01233 667700",
        "urn": "",
        "la_establishment_number": "",
        "ods_code": "ryy",
        "charity_number": "",
        "company_number": "",
        "ico_registration_number": "z1234567",
        **date_parts("ico_renewal_date", dt.date(2027, 3, 31)),
        "caldicott_guardian": "Dr Sam Patel",
        "dpo_name": "Alex Morgan",
        "dpo_email": "dpo@kentcht.example.org",
    }
    if organisation is not None:
        data.update(
            {
                field: getattr(organisation, field) or ""
                for field in (
                    "name",
                    "type",
                    "address_line_1",
                    "address_line_2",
                    "town",
                    "postcode",
                    "phone",
                    "urn",
                    "la_establishment_number",
                    "ods_code",
                    "charity_number",
                    "company_number",
                    "ico_registration_number",
                    "caldicott_guardian",
                    "dpo_name",
                    "dpo_email",
                )
            }
        )
        data.update(date_parts("ico_renewal_date", organisation.ico_renewal_date))
        data["parent"] = str(organisation.parent.public_id) if organisation.parent else ""
        data["version"] = organisation.version
        if not organisation.is_active:
            del data["is_active"]
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def add_contact(partnership, **fields) -> AuthorisedContact:
    values = {
        "name": "Jo Lead",
        "role": "Designated safeguarding lead",
        "email": "jo.lead@school.example.org",
        "valid_from": dt.date(2025, 9, 1),
        **fields,
    }
    with activate(partnership.tenant):
        return services.contact_add(
            actor=partnership.member(Role.IG_OFFICER), organisation=partnership.school, **values
        )


def upload_sample(partnership, content: bytes | None = None) -> OrganisationImport:
    with activate(partnership.tenant):
        return services.organisation_import_upload(
            actor=partnership.member(Role.IG_OFFICER),
            upload=SimpleUploadedFile("gias.csv", content or SAMPLE.read_bytes()),
        )


def record_training(partnership, member, completed_on: dt.date, evidence=None) -> TrainingRecord:
    with activate(partnership.tenant):
        return services.training_record(
            actor=partnership.member(Role.IG_OFFICER),
            membership=member,
            course="IG refresher",
            completed_on=completed_on,
            evidence=evidence,
        )


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)
