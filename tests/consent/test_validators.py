"""The identifiers of a child's record on known values, the age a record may be opened for, and
the checks on an uploaded signed form."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from consent.validators import (
    CONSENT_FORM_MAX_BYTES,
    age_on,
    format_nhs_number,
    is_valid_nhs_number,
    is_valid_upn,
    nhs_check_digit,
    upn_check_letter,
    validate_age_in_scope,
    validate_consent_form_upload,
    validate_nhs_number,
    validate_upn,
)

# --- NHS number (modulus 11) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "943 476 5919",  # The NHS Data Dictionary's example.
        "9434765919",
        "943-476-5919",
        "9990000018",  # The 999 test range.
        "401 023 2137",
    ],
)
def test_valid_nhs_numbers(value):
    assert is_valid_nhs_number(value)
    validate_nhs_number(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9434765918", "nhs_check_digit"),  # One digit off.
        ("9434765991", "nhs_check_digit"),  # Two digits swapped.
        ("1234567890", "nhs_check_digit"),  # Its check digit would have to be 10.
        ("943476591", "nhs_format"),  # Nine digits.
        ("94347659190", "nhs_format"),  # Eleven.
        ("943476591X", "nhs_format"),
    ],
)
def test_invalid_nhs_numbers(value, code):
    assert not is_valid_nhs_number(value)
    with pytest.raises(ValidationError) as error:
        validate_nhs_number(value)
    assert error.value.code == code
    # The message never repeats the number entered.
    assert value not in " ".join(error.value.messages)


def test_the_nhs_check_digit_is_modulus_11_with_weights_10_to_2():
    # 9×10 + 4×9 + 3×8 + 4×7 + 7×6 + 6×5 + 5×4 + 9×3 + 1×2 = 299; 299 mod 11 = 2; 11 − 2 = 9.
    assert nhs_check_digit("943476591") == 9
    # A remainder of 0 gives 11, which is written 0: 999 000 0050 is valid.
    assert nhs_check_digit("999000005") == 0
    assert is_valid_nhs_number("9990000050")
    assert nhs_check_digit("123456789") is None  # 11 − 1 = 10: no valid check digit.


def test_an_nhs_number_is_shown_in_three_groups():
    assert format_nhs_number("9434765919") == "943 476 5919"


# --- Unique Pupil Number (check letter) ----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "H801200001001",  # The example in the DfE's UPN guidance.
        "B801200005001",
        "A950000178301",
        "H243278544154",
        "G80120000101A",  # A temporary UPN ends in a letter.
        "h801200001001",  # Entered in lower case.
        "H801 2000 01001",
    ],
)
def test_valid_upns(value):
    assert is_valid_upn(value)
    validate_upn(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("A801200005001", "upn_check_letter"),
        ("Z801200001001", "upn_check_letter"),
        ("R247962919251", "upn_check_letter"),
        ("X428558133462", "upn_check_letter"),
        ("H80120000100", "upn_format"),  # 12 characters.
        ("I801200001001", "upn_format"),  # I is never a check letter.
        ("H8012000A1001", "upn_format"),  # Characters 5–12 are digits.
        ("H80120000100S", "upn_format"),  # S is not used.
        ("1801200001001", "upn_format"),
    ],
)
def test_invalid_upns(value, code):
    assert not is_valid_upn(value)
    with pytest.raises(ValidationError) as error:
        validate_upn(value)
    assert error.value.code == code
    assert value not in " ".join(error.value.messages)


def test_the_upn_check_letter_is_the_weighted_sum_modulo_23():
    # Characters 2–13 of H801200001001 weighted 2 to 13: 8×2 + 0×3 + 1×4 + 2×5 + 0 + … + 1×13
    # = 16 + 4 + 10 + 10 + 13 = 53; 53 mod 23 = 7, the eighth letter of A–Z without I, O, S: H.
    assert upn_check_letter("801200001001") == "H"
    # In a temporary UPN the last letter counts as its place in that alphabet (A = 0).
    assert upn_check_letter("80120000101A") == "G"


# --- Age -----------------------------------------------------------------------------------------


def test_age_is_counted_in_completed_years():
    assert age_on(dt.date(2010, 6, 15), dt.date(2026, 6, 14)) == 15
    assert age_on(dt.date(2010, 6, 15), dt.date(2026, 6, 15)) == 16
    # Born on 29 February: a year older on 1 March in a common year.
    assert age_on(dt.date(2012, 2, 29), dt.date(2025, 2, 28)) == 12
    assert age_on(dt.date(2012, 2, 29), dt.date(2025, 3, 1)) == 13


@pytest.mark.parametrize(
    ("born", "additional_needs", "allowed"),
    [
        (dt.date(2026, 2, 28), False, True),  # Born today.
        (dt.date(2006, 3, 1), False, True),  # 19 and 364 days.
        (dt.date(2006, 2, 28), False, False),  # 20 today.
        (dt.date(2006, 2, 28), True, True),  # 20, with special educational needs.
        (dt.date(2000, 3, 1), True, True),  # 25 and 364 days.
        (dt.date(2000, 2, 28), True, False),  # 26.
        (dt.date(2026, 3, 1), False, False),  # Not born yet.
    ],
)
def test_a_record_is_for_0_to_19_or_to_25_with_additional_needs(born, additional_needs, allowed):
    check = lambda: validate_age_in_scope(  # noqa: E731
        date_of_birth=born, on=dt.date(2026, 2, 28), additional_needs=additional_needs
    )
    if allowed:
        check()
    else:
        with pytest.raises(ValidationError) as error:
            check()
        assert "date_of_birth" in error.value.message_dict


# --- The signed form ------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n" + b"x" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"x" * 100


@pytest.mark.parametrize(
    ("name", "content"),
    [("form.pdf", PDF), ("scan.PNG", PNG), ("photo.jpg", JPEG), ("photo.jpeg", JPEG)],
)
def test_a_scan_of_the_signed_form_may_be_a_pdf_png_or_jpeg(name, content):
    validate_consent_form_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("form.docx", PDF, "consent_form_type"),
        ("form", PDF, "consent_form_type"),
        ("form.pdf", PNG, "consent_form_content"),  # Renamed: not what its name says.
        ("form.pdf", b"", "consent_form_empty"),
        ("form.pdf", b"%PDF-" + b"x" * CONSENT_FORM_MAX_BYTES, "consent_form_size"),
    ],
)
def test_other_files_are_refused(name, content, code):
    with pytest.raises(ValidationError) as error:
        validate_consent_form_upload(SimpleUploadedFile(name, content))
    assert error.value.code == code
