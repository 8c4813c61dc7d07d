"""Identifiers and uploads of a child's record: the NHS number (modulus 11), the Unique Pupil
Number (DfE check letter), the age a record may be opened for, and the signed consent form.

Messages never repeat the value entered: an error page or log line must not carry a child's
identifier.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# --- NHS number ----------------------------------------------------------------------------------

_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def normalise_nhs_number(value: str) -> str:
    """Digits only: "943 476 5919" and "943-476-5919" are both "9434765919"."""
    return re.sub(r"[\s-]", "", value or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS number's check digit (modulus 11), or None when no check digit can make the first
    nine digits valid (the remainder gives 10)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    number = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", number):
        return False
    return nhs_check_digit(number[:9]) == int(number[9])


def validate_nhs_number(value: str) -> None:
    if not value:
        return
    number = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", number):
        raise ValidationError("An NHS number is 10 digits, like 943 476 5919.", code="nhs_format")
    if nhs_check_digit(number[:9]) != int(number[9]):
        raise ValidationError(
            "This is not a valid NHS number: check each digit again.", code="nhs_check_digit"
        )


def format_nhs_number(value: str) -> str:
    """The 3-3-4 grouping NHS numbers are read in."""
    number = normalise_nhs_number(value)
    if len(number) != 10:
        return number
    return f"{number[:3]} {number[3:6]} {number[6:]}"


# --- Unique Pupil Number -------------------------------------------------------------------------

# The DfE's check letters (no I, O or S), which also stand for values in a temporary UPN's last
# character. A UPN is a check letter, a 3-digit LA number, a 4-digit establishment number, a
# 2-digit year of issue and a 3-digit serial; a temporary UPN ends in a letter instead of the
# serial's last digit. The check letter: multiply characters 2 to 13 by the weights 2 to 13
# (a digit by its value, a letter by its place in this alphabet), add them up, divide by 23 and
# take the remainder's letter (DfE "Unique pupil numbers (UPN)" guidance, annex on check letters).
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(rf"[{UPN_ALPHABET}]\d{{11}}[\d{UPN_ALPHABET}]")


def normalise_upn(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def upn_check_letter(last_twelve: str) -> str:
    total = 0
    for weight, character in enumerate(last_twelve, start=2):
        value = int(character) if character.isdigit() else UPN_ALPHABET.index(character)
        total += weight * value
    return UPN_ALPHABET[total % 23]


def is_valid_upn(value: str) -> bool:
    upn = normalise_upn(value)
    return bool(_UPN_SHAPE.fullmatch(upn)) and upn_check_letter(upn[1:]) == upn[0]


def validate_upn(value: str) -> None:
    # The LA number (characters 2–4) is not checked against a list: local authorities are
    # created and merged, and a stale list would refuse real pupils.
    if not value:
        return
    upn = normalise_upn(value)
    if not _UPN_SHAPE.fullmatch(upn):
        raise ValidationError(
            "A Unique Pupil Number is 13 characters: a letter, then 11 digits, then a digit "
            "(or a letter for a temporary UPN).",
            code="upn_format",
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(
            "This is not a valid Unique Pupil Number: the check letter does not match.",
            code="upn_check_letter",
        )


# --- Age -----------------------------------------------------------------------------------------

# Children and young people 0–19, or to 25 with special educational needs (SEND Code of
# Practice 0–25: an EHC plan may continue until the young person is 25).
OLDEST_AGE = 19
OLDEST_AGE_WITH_ADDITIONAL_NEEDS = 25


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years of age on a day (someone born on 29 February is a year older on
    1 March in a common year)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def validate_age_in_scope(*, date_of_birth: date, on: date, additional_needs: bool) -> None:
    if date_of_birth > on:
        raise ValidationError(
            {"date_of_birth": "The date of birth cannot be in the future."}, code="dob_future"
        )
    age = age_on(date_of_birth, on)
    limit = OLDEST_AGE_WITH_ADDITIONAL_NEEDS if additional_needs else OLDEST_AGE
    if age > limit:
        message = (
            f"Sharewell holds records of children and young people up to {OLDEST_AGE}, or up "
            f"to {OLDEST_AGE_WITH_ADDITIONAL_NEEDS} with special educational needs."
            if not additional_needs
            else "Sharewell holds records of young people up to "
            f"{OLDEST_AGE_WITH_ADDITIONAL_NEEDS}."
        )
        raise ValidationError({"date_of_birth": message}, code="age_out_of_scope")


# --- The signed consent form ---------------------------------------------------------------------

CONSENT_FORM_MAX_BYTES = 10 * 1024 * 1024
# What each accepted type starts with, so that a renamed file of another type is refused.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def validate_consent_form_upload(upload) -> None:
    """A scan or photo of the signed form: PDF, PNG or JPEG, at most 10 MB."""
    if not upload:
        return
    name = (getattr(upload, "name", "") or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if extension not in _SIGNATURES:
        raise ValidationError(
            "The signed form must be a PDF, PNG or JPEG file.", code="consent_form_type"
        )
    size = getattr(upload, "size", None)
    if size is not None and size > CONSENT_FORM_MAX_BYTES:
        raise ValidationError(
            f"The signed form must be smaller than {filesizeformat(CONSENT_FORM_MAX_BYTES)}.",
            code="consent_form_size",
        )
    if not size:
        raise ValidationError("The signed form is empty.", code="consent_form_empty")
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(16)
    finally:
        upload.seek(position)
    if not any(head.startswith(signature) for signature in _SIGNATURES[extension]):
        raise ValidationError(
            "The file's content is not the type its name says; upload the scan again.",
            code="consent_form_content",
        )
