"""Another partnership's breach, its records and its documents do not exist for the outsider (the
IG officer of another partnership) on any page: 404 to read, 404 and nothing changed to write,
never named in a list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners.roles import Role
from tests.breaches.pages_world import build_pages_world
from tests.isolation import assert_tenant_isolated

pytestmark = pytest.mark.django_db


def _url(name: str, obj) -> str:
    return reverse(name, kwargs={"public_id": obj.public_id})


@pytest.fixture
def ours(partnership, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_pages_world(partnership)


def test_a_breach_and_everything_under_it_is_invisible_to_another_partnership(
    ours, client_for, other_partnership
):
    outsider = client_for(other_partnership.member(Role.IG_OFFICER))
    breach = ours.breach
    step_pages = [
        _url(name, breach)
        for name in (
            "breach_close",
            "breach_withdraw",
            "breach_meeting_schedule",
            "breach_meeting_held",
            "breach_meeting_attendee",
            "breach_meeting_presented",
            "breach_meeting_withdrew",
            "breach_meeting_decide",
            "breach_meeting_recalled",
            "breach_meeting_minutes",
            "breach_meeting_circulate",
            "breach_action_add",
            "breach_ico_decide",
            "breach_ico_reported",
            "breach_ico_people_told",
            "indemnity_notify",
        )
    ]
    record_pages = [
        _url("breach_partner_told", ours.untold),
        _url("breach_partner_acknowledged", ours.told),
        _url("breach_milestone_complete", ours.distributed),
        _url("breach_action_complete", ours.action),
        _url("indemnity_response", ours.event),
    ]
    documents = [
        _url("breach_milestone_evidence", ours.distributed),
        _url("breach_minutes_file", ours.meeting),
        _url("indemnity_response_file", ours.event),
    ]
    assert_tenant_isolated(
        outsider,
        breach,
        detail_urls=[
            _url("breach_detail", breach),
            _url("indemnity_detail", ours.event),
            *step_pages,
            *record_pages,
            *documents,
        ],
        write_requests=[("post", page, {"reason": "Tried"}) for page in step_pages + record_pages],
        list_urls=[reverse("breach_list"), f"{reverse('breach_list')}?status=any"],
        markers=[breach.title],
    )
    # Our breach's id as the place to continue the register from is as unknown as any other.
    assert outsider.get(f"{reverse('breach_list')}?after={breach.public_id}").status_code == 404
