"""Sign-in lockout: per account after 5 failures, per address after 50; the same message for an
address with no account; 15 minutes that tries cannot extend; the holder is emailed; the IG
officer unlocks; the API token endpoint is guarded the same way."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partners.roles import Role
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"


def sign_in(email: str, password: str, address: str = "203.0.113.9", client=None):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reverse("login"), {"username": email, "password": password})


def fail(email: str, times: int, address: str = "203.0.113.9") -> None:
    for _ in range(times):
        response = sign_in(email, WRONG, address)
        assert response.status_code in (200, 429)


def is_locked(response) -> bool:
    return response.status_code == 429 and "You cannot sign in yet" in response.content.decode()


def test_five_failures_lock_the_account_even_against_the_right_password(partnership):
    email = partnership.member(Role.SENCO).user.email

    fail(email, 4)
    assert sign_in(email, DEFAULT_PASSWORD).status_code == 302  # not locked after 4
    AccessAttempt.objects.all().delete()
    fail(email, 5)
    # From any address: it is the account that is locked.
    locked = sign_in(email, DEFAULT_PASSWORD, address="198.51.100.20")

    assert is_locked(locked)
    assert locked["Retry-After"] == str(15 * 60)
    assert "ask your information governance officer to unlock" in locked.content.decode()


def test_the_lockout_reads_the_same_for_an_address_with_no_account(partnership):
    real = partnership.member(Role.SENCO).user.email
    fail(real, 5)
    fail("nobody-here@example.org", 5)

    for_real = sign_in(real, DEFAULT_PASSWORD, address="198.51.100.1")
    for_nobody = sign_in("nobody-here@example.org", "anything", address="198.51.100.1")

    assert is_locked(for_real) and is_locked(for_nobody)
    assert for_real.content == for_nobody.content


def test_the_account_holder_is_emailed_once_when_locked(
    partnership, django_capture_on_commit_callbacks
):
    user = partnership.member(Role.SENCO).user

    with django_capture_on_commit_callbacks(execute=True):
        fail(user.email, 8)

    notices = [m for m in mail.outbox if user.email in m.to]
    assert len(notices) == 1
    assert "paused for 15 minutes" in notices[0].body
    assert WRONG not in notices[0].body
    # Nobody is emailed for an address without an account.
    with django_capture_on_commit_callbacks(execute=True):
        fail("nobody-here@example.org", 5)
    assert len(mail.outbox) == 1


def test_tries_during_the_lockout_do_not_extend_it(partnership):
    email = partnership.member(Role.PRACTITIONER).user.email
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(email, 5)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        fail(email, 3)  # an attacker keeps trying
        assert is_locked(sign_in(email, DEFAULT_PASSWORD))
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in(email, DEFAULT_PASSWORD).status_code == 302


def test_an_address_is_locked_after_fifty_failures_across_accounts(partnership):
    office = "192.0.2.44"
    for n in range(50):
        sign_in(f"person{n}@example.org", WRONG, address=office)

    # Anyone from that address is refused, even with a right password...
    assert is_locked(sign_in(partnership.member(Role.SENCO).user.email, DEFAULT_PASSWORD, office))
    # ...while the same person elsewhere signs in.
    elsewhere = sign_in(partnership.member(Role.SENCO).user.email, DEFAULT_PASSWORD, "192.0.2.45")
    assert elsewhere.status_code == 302


def test_x_forwarded_for_cannot_pick_the_address_failures_count_against(partnership):
    email = partnership.member(Role.SENCO).user.email
    for n in range(5):
        client = Client(REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        sign_in(email, WRONG, client=client)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}


def test_the_ig_officer_sees_and_unlocks_a_locked_member(partnership, client_for):
    member = partnership.member(Role.PRACTITIONER)
    fail(member.user.email, 5)
    ig = client_for(partnership.member(Role.IG_OFFICER))

    page = ig.get(reverse("security_locked_accounts"))
    assert member.user.full_name in page.content.decode()

    unlocked = ig.post(reverse("security_unlock", args=[member.public_id]))

    assert unlocked.status_code == 302
    assert sign_in(member.user.email, DEFAULT_PASSWORD).status_code == 302
    assert "can sign in again" in ig.get(reverse("security_locked_accounts")).content.decode()
    assert (
        "No one in the partnership is locked out"
        in ig.get(reverse("security_locked_accounts")).content.decode()
    )


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SENCO, Role.PRACTITIONER, Role.AUDITOR])
def test_only_the_ig_officer_unlocks(partnership, client_for, role):
    member = partnership.member(Role.PRACTITIONER)
    fail(member.user.email, 5)
    client = client_for(partnership.member(role))

    assert client.get(reverse("security_locked_accounts")).status_code == 403
    assert client.post(reverse("security_unlock", args=[member.public_id])).status_code == 403
    assert is_locked(sign_in(member.user.email, DEFAULT_PASSWORD))


def test_the_api_token_endpoint_counts_and_refuses_the_same_way(partnership):
    email = partnership.member(Role.PRACTITIONER).user.email
    client = Client(REMOTE_ADDR="203.0.113.77")

    def obtain(password):
        return client.post(
            "/api/auth/token/",
            {"email": email, "password": password},
            content_type="application/json",
        )

    for _ in range(4):
        assert obtain(WRONG).status_code == 400
    # The failure that reaches the limit is answered with the lockout already.
    assert obtain(WRONG).status_code == 429
    locked = obtain(DEFAULT_PASSWORD)

    assert locked.status_code == 429
    assert locked.json()["errors"][0]["code"] == "throttled"
    assert locked["Retry-After"] == str(15 * 60)
    # The failures from the API lock the sign-in page too: it is one account.
    assert is_locked(sign_in(email, DEFAULT_PASSWORD))
