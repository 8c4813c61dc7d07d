"""Passwords: Argon2 first in real modes; at least 12 characters; not a common password; a long
passphrase in any script is welcome."""

import importlib

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from partners.models import User

pytestmark = pytest.mark.django_db


def test_argon2_is_the_first_hasher_outside_the_test_suite():
    base = importlib.import_module("config.settings.base")

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Short1!pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("123456789012", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, why):
    with pytest.raises(ValidationError, match=why):
        validate_password(password, User(email="jo@example.org", full_name="Jo Bloggs"))


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "Mae hi'n bwrw glaw yn drwm heddiw",
        "Tá an aimsir go breá inniu a chara",
        "дождь идёт весь день в Кенте",
        "私はケントの学校で働いています",
        "🐴 horse 🔋 battery 📎 staple 2026",
        "a" * 20 + " " + "ü" * 100,
    ],
)
def test_long_passphrases_in_any_script_are_accepted(password):
    validate_password(password, User(email="jo@example.org", full_name="Jo Bloggs"))
