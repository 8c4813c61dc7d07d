"""Indemnity events (Haringey 11.1): the suffering partner notifies the alleged contributor in
writing; the contributor responds in writing within four working days."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from breaches import services
from breaches.models import IndemnityEvent
from notifications.models import Notice
from tests.breaches.conftest import london

pytestmark = pytest.mark.django_db


def notify(world, **fields):
    fields.setdefault("agreement", world.agreement)
    fields.setdefault("suffering_partner", world.council)
    fields.setdefault("alleged_contributor", world.school)
    fields.setdefault("description", "A claim arising from the misdirected report.")
    fields.setdefault("notified_on", dt.date(2026, 12, 23))
    return services.indemnity_notify(actor=fields.pop("actor", world.council_manager), **fields)


def test_the_response_is_due_four_working_days_after_notice(world, breach, clock):
    clock.move_to(london(2026, 12, 23, 12, 0), tick=False)
    event = notify(world, breach=breach)

    # Wednesday 23 December 2026: Christmas Day and Boxing Day (observed) do not count.
    assert event.response_due_on == dt.date(2026, 12, 31)
    assert (event.region, event.response_days) == ("england-and-wales", 4)
    notice = Notice.objects.get(dedup_key=f"indemnity:{event.public_id}:notified")
    assert notice.recipient == world.school_manager
    assert "31 December 2026" in notice.body
    assert "alleged contributor" in notice.reason


def test_the_written_response_is_recorded_once(world, clock):
    clock.move_to(london(2026, 12, 23, 12, 0), tick=False)
    event = notify(world)
    with pytest.raises(PermissionDenied):
        services.indemnity_record_response(
            actor=world.police_manager,
            event=event,
            responded_on=dt.date(2026, 12, 23),
            response="Not ours",
        )
    services.indemnity_record_response(
        actor=world.school_manager,
        event=event,
        responded_on=dt.date(2026, 12, 23),
        response="We accept the facts and will co-operate on the response to the claimant.",
    )
    event.refresh_from_db()
    assert event.responded_on == dt.date(2026, 12, 23)
    assert event.response_recorded_by == world.school_manager
    with pytest.raises(ValidationError, match="already"):
        services.indemnity_record_response(
            actor=world.officer,
            event=event,
            responded_on=dt.date(2026, 12, 23),
            response="Again",
        )


def test_an_indemnity_event_is_between_two_partners_and_notified_by_the_sufferer(world, clock):
    with pytest.raises(ValidationError) as error:
        notify(world, alleged_contributor=world.council)
    assert "alleged_contributor" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        notify(world, actor=world.police_manager)
    with pytest.raises(ValidationError) as error:
        notify(world, notified_on=dt.date(2027, 1, 4))
    assert "notified_on" in error.value.message_dict
    assert not IndemnityEvent.objects.exists()
