"""Reading a Get Information About Schools (GIAS) establishment extract.

GIAS publishes CSV with columns such as `URN`, `EstablishmentName`, `TypeOfEstablishment (name)`,
`EstablishmentStatus (name)`, `LA (code)`, `Street`, `Town`, `Postcode`, `TelephoneNum`. Its
downloads are usually Windows-1252, sometimes UTF-8 with a byte-order mark. This module turns
each row into the organisation fields it describes, or into a line-numbered error; it writes
nothing (the import service in partners/services does).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from partners.models import OrganisationType
from partners.validators import normalise_postcode, validate_uk_postcode

REQUIRED_COLUMNS = ("URN", "EstablishmentName", "TypeOfEstablishment (name)")

# TypeOfEstablishment (name) → organisation type. Names not listed fall back to the
# EstablishmentTypeGroup (name), then to "other".
TYPE_BY_ESTABLISHMENT = {
    "community school": OrganisationType.MAINTAINED_SCHOOL,
    "voluntary aided school": OrganisationType.MAINTAINED_SCHOOL,
    "voluntary controlled school": OrganisationType.MAINTAINED_SCHOOL,
    "foundation school": OrganisationType.MAINTAINED_SCHOOL,
    "pupil referral unit": OrganisationType.MAINTAINED_SCHOOL,
    "local authority nursery school": OrganisationType.EARLY_YEARS,
    "community special school": OrganisationType.SPECIAL_SCHOOL,
    "foundation special school": OrganisationType.SPECIAL_SCHOOL,
    "non-maintained special school": OrganisationType.SPECIAL_SCHOOL,
    "academy special converter": OrganisationType.SPECIAL_SCHOOL,
    "academy special sponsor led": OrganisationType.SPECIAL_SCHOOL,
    "free schools special": OrganisationType.SPECIAL_SCHOOL,
    "free schools": OrganisationType.FREE_SCHOOL,
    "free schools alternative provision": OrganisationType.FREE_SCHOOL,
    "free schools 16 to 19": OrganisationType.FE_POST16,
    "academy 16-19 converter": OrganisationType.FE_POST16,
    "academy 16 to 19 sponsor led": OrganisationType.FE_POST16,
    "further education": OrganisationType.FE_POST16,
    "sixth form centres": OrganisationType.FE_POST16,
}
TYPE_BY_GROUP = {
    "academies": OrganisationType.ACADEMY,
    "free schools": OrganisationType.FREE_SCHOOL,
    "special schools": OrganisationType.SPECIAL_SCHOOL,
    "local authority maintained schools": OrganisationType.MAINTAINED_SCHOOL,
    "colleges": OrganisationType.FE_POST16,
}


class GiasFileError(ValueError):
    """The file as a whole cannot be read as a GIAS extract."""


@dataclass
class GiasRow:
    line: int
    urn: str
    fields: dict[str, object] = field(default_factory=dict)
    error: str = ""


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise GiasFileError("The file is not text in UTF-8 or Windows-1252.")


def read_rows(raw: bytes) -> Iterator[GiasRow]:
    """Each data row of the extract, numbered as a spreadsheet would (the header is line 1)."""
    reader = csv.DictReader(io.StringIO(decode(raw), newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise GiasFileError(
            "This is not a GIAS establishment extract: it has no "
            + ", ".join(f"'{column}'" for column in missing)
            + " column."
        )
    reader.fieldnames = header
    for index, record in enumerate(reader, start=2):
        yield parse_row(index, {key: (value or "").strip() for key, value in record.items() if key})


def parse_row(line: int, record: dict[str, str]) -> GiasRow:
    urn = record.get("URN", "")
    row = GiasRow(line=line, urn=urn)
    name = record.get("EstablishmentName", "")
    if not urn.isdigit() or not 5 <= len(urn) <= 7:
        row.error = f"URN '{urn}' is not 5 to 7 digits."
        return row
    if not name:
        row.error = "EstablishmentName is empty."
        return row
    postcode = normalise_postcode(record.get("Postcode", ""))
    try:
        validate_uk_postcode(postcode)
    except ValidationError:
        row.error = f"Postcode '{record.get('Postcode', '')}' is not a UK postcode."
        return row
    street = ", ".join(part for part in (record.get("Street"), record.get("Locality")) if part)
    la_code, establishment = record.get("LA (code)", ""), record.get("EstablishmentNumber", "")
    row.fields = {
        "name": name[:200],
        "type": organisation_type(record),
        "address_line_1": street[:200],
        "address_line_2": record.get("Address3", "")[:200],
        "town": record.get("Town", "")[:100],
        "postcode": postcode,
        "phone": record.get("TelephoneNum", "")[:30],
        "la_establishment_number": f"{la_code}/{establishment}"
        if la_code.isdigit() and establishment.isdigit()
        else "",
        "is_active": record.get("EstablishmentStatus (name)", "Open").lower().startswith("open"),
    }
    return row


def organisation_type(record: dict[str, str]) -> str:
    establishment = record.get("TypeOfEstablishment (name)", "").lower()
    if establishment in TYPE_BY_ESTABLISHMENT:
        return TYPE_BY_ESTABLISHMENT[establishment]
    if establishment.startswith("academy"):
        return OrganisationType.ACADEMY
    group = record.get("EstablishmentTypeGroup (name)", "").lower()
    return TYPE_BY_GROUP.get(group, OrganisationType.OTHER)
