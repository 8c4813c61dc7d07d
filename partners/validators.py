import re

from django.core.exceptions import ValidationError

# The shape of a UK postcode (outward code, a space, inward code); BFPO and GIR 0AA included.
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|BFPO ?\d{1,4})$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) > 3 and not compact.startswith("BFPO"):
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def validate_uk_postcode(value: str) -> None:
    if value and not _POSTCODE.match(normalise_postcode(value)):
        raise ValidationError("Enter a real postcode, like SE1 7PB.", code="invalid_postcode")
