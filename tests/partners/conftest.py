"""Fixtures of the partners tests, beside the partnership and its people in tests/conftest.py:
uploads kept in a folder of the test's own, an organisation of the partnership to hunt for in
another partnership's pages, a fixed day for the API tests and a client signed in as the IG
officer."""

import datetime as dt

import pytest
from django.test import Client

from partners.models import Organisation
from partners.roles import Role
from tests.partners.api_directory_helpers import TODAY


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a folder of this test's own (the directory page modules use it for
    every test)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def theirs(partnership) -> Organisation:
    """An organisation of the partnership, with a name worth hunting for in a page."""
    return partnership.council


@pytest.fixture
def today(time_machine):
    """A Monday in November 2026, at 10:00 in London. Ask for it before any signed-in client,
    whose session would otherwise have expired by then."""
    time_machine.move_to(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC), tick=False)
    return TODAY


@pytest.fixture
def ig(partnership, client_for) -> Client:
    return client_for(partnership.member(Role.IG_OFFICER))
