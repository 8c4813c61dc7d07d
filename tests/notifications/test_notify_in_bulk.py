"""notify() to many people at once: an escalation goes to every IG officer of the partnership, so
its cost must not grow with the recipients, and every once-only guarantee still holds."""

import threading
import uuid
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from notifications.models import Notice, OutboxEmail
from notifications.reminders import DueReminder
from notifications.services import Message, notify, notify_all, reminders_sweep
from partners.models import Membership
from partners.roles import Role
from partners.tenancy import activate
from tests.conftest import build_partnership
from tests.factories import MembershipFactory

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def officers(partnership, how_many):
    """`how_many` new IG officers of the active partnership, read back without their users, as a
    careless caller would."""
    pks = [
        MembershipFactory(
            tenant=partnership.tenant, organisation=partnership.council, role=Role.IG_OFFICER
        ).pk
        for _ in range(how_many)
    ]
    return list(Membership.objects.filter(pk__in=pks).order_by("pk"))


def officers_again(memberships):
    return list(Membership.objects.filter(pk__in=[m.pk for m in memberships]).order_by("pk"))


def tell(recipients, key="breach:1:escalated", **overrides):
    fields = {
        "recipients": recipients,
        "title": "Overdue: partners not yet told of a breach",
        "body": "Partners must be told of the breach within 5 working days.",
        "link": "/breaches/6f1c0d6e-0000-4000-8000-000000000001/",
        "reason": "You are an IG officer of the partnership; overdue deadlines are escalated.",
        "dedup_key": key,
    }
    return notify(**(fields | overrides))


def queries_to_tell(recipients, key):
    with CaptureQueriesContext(connection) as queries:
        created = tell(recipients, key=key)
    assert len(created) == len(recipients)
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_telling_thirty_people_takes_as_many_queries_as_telling_two(in_tenant):
    few, many = officers(in_tenant, 2), officers(in_tenant, 30)

    assert queries_to_tell(few, "few") == queries_to_tell(many, "many")


@pytest.mark.django_db
def test_telling_everyone_again_takes_as_many_queries_as_telling_two_again(in_tenant):
    few, many = officers(in_tenant, 2), officers(in_tenant, 30)
    tell(few, key="few")
    tell(many, key="many")

    with CaptureQueriesContext(connection) as for_few:
        assert tell(officers_again(few), key="few") == []
    with CaptureQueriesContext(connection) as for_many:
        assert tell(officers_again(many), key="many") == []

    assert len(for_few.captured_queries) == len(for_many.captured_queries)


@pytest.mark.django_db
def test_a_second_call_to_many_people_creates_nothing(in_tenant):
    people = officers(in_tenant, 12)

    first = tell(people)
    second = tell(people)

    assert len(first) == 12
    assert second == []
    assert Notice.objects.count() == 12
    assert OutboxEmail.objects.count() == 12


@pytest.mark.django_db
def test_a_partly_told_audience_gets_only_the_missing_notices(in_tenant):
    people = officers(in_tenant, 10)
    tell(people[:4])

    created = tell(people)

    assert sorted(n.recipient_id for n in created) == sorted(m.pk for m in people[4:])
    assert sorted(Notice.objects.values_list("recipient_id", flat=True)) == sorted(
        m.pk for m in people
    )
    assert OutboxEmail.objects.count() == 10


@pytest.mark.django_db
def test_each_new_notice_has_exactly_one_email_to_its_recipient(in_tenant, settings):
    settings.SHAREWELL_SITE_URL = "https://sharewell.example.org"
    people = officers(in_tenant, 5)

    created = tell(people)

    emails = {email.dedup_key: email for email in OutboxEmail.objects.all()}
    assert len(emails) == len(created) == 5
    for notice in created:
        assert notice.pk is not None
        email = emails[f"notice:{notice.public_id}"]
        assert email.to == Membership.objects.get(pk=notice.recipient_id).user.email
        assert email.subject == "Overdue: partners not yet told of a breach"
        assert (
            "https://sharewell.example.org/breaches/6f1c0d6e-0000-4000-8000-000000000001/"
            in email.body
        )


@pytest.mark.django_db
def test_the_inactive_among_many_are_skipped(in_tenant):
    people = officers(in_tenant, 6)
    left, deactivated = people[1], people[4]
    left.is_active = False
    left.save()
    deactivated.user.is_active = False
    deactivated.user.save()

    created = tell(officers_again(people))

    told = sorted(m.pk for m in people if m not in (left, deactivated))
    assert sorted(n.recipient_id for n in created) == told
    assert sorted(Notice.objects.values_list("recipient_id", flat=True)) == told
    assert OutboxEmail.objects.count() == 4


@pytest.mark.django_db
def test_an_invalid_notice_to_many_is_refused_whole(in_tenant):
    with pytest.raises(ValidationError):
        tell(officers(in_tenant, 3), link="https://evil.example/")

    assert not Notice.objects.exists()
    assert not OutboxEmail.objects.exists()


def message(recipients, key, subject):
    return Message(
        recipients=recipients,
        title=f"Overdue: {subject}",
        body=f"The deadline for {subject} has passed.",
        link="/breaches/",
        reason="You are an IG officer of the partnership.",
        dedup_key=key,
    )


@pytest.mark.django_db
def test_several_messages_at_once_take_as_many_queries_as_one(in_tenant):
    people = officers(in_tenant, 3)

    with CaptureQueriesContext(connection) as for_one:
        notify_all([message(people, "one", "the first breach")])
    # Read again, as a caller would: their users not loaded, as for the first call.
    again = officers_again(people)
    with CaptureQueriesContext(connection) as for_five:
        created = notify_all([message(again, f"five:{n}", f"breach number {n}") for n in range(5)])

    assert len(for_one.captured_queries) == len(for_five.captured_queries)
    assert len(created) == 15
    # Each recipient's email says what its own message says.
    for n in range(5):
        emails = OutboxEmail.objects.filter(subject=f"Overdue: breach number {n}")
        assert sorted(email.to for email in emails) == sorted(m.user.email for m in people)
        for email in emails:
            assert f"The deadline for breach number {n} has passed." in email.body
            assert f"breach number {(n + 1) % 5} " not in email.body


@pytest.mark.django_db
def test_messages_at_once_are_each_sent_once_per_recipient(in_tenant):
    people = officers(in_tenant, 4)
    notify_all([message(people[:2], "a", "a breach")])

    created = notify_all(
        [message(people, "a", "a breach"), message(people[1:], "b", "another breach")]
    )

    assert sorted((n.dedup_key, n.recipient_id) for n in created) == sorted(
        [("a", people[2].pk), ("a", people[3].pk)] + [("b", m.pk) for m in people[1:]]
    )
    assert Notice.objects.count() == OutboxEmail.objects.count() == 7


@pytest.mark.django_db
def test_a_reminder_sweep_costs_the_same_for_thirty_recipients_as_for_two(
    partnership, reminder_source
):
    def reminder_to(people):
        object_id = uuid.uuid4()
        return DueReminder(
            object_id=object_id,
            kind="overdue",
            due_at=MONDAY_9AM,
            recipients=people,
            title="An agreement's review is overdue",
            body="The yearly review of the agreement is overdue.",
            link=f"/agreements/{object_id}/",
            reason="You are an IG officer of the partnership.",
        )

    with activate(partnership.tenant):
        few, many = officers(partnership, 2), officers(partnership, 30)
        counts = []
        for people in (few, many):
            reminder_source.planned = [reminder_to(people)]
            with CaptureQueriesContext(connection) as queries:
                report = reminders_sweep(now=MONDAY_9AM)
            assert (report.sent, report.failed) == (1, 0)
            counts.append(len(queries.captured_queries))

        assert counts[0] == counts[1]
        assert Notice.objects.count() == 32


def test_a_call_racing_another_keeps_its_notices_and_adds_only_the_missing(concurrent_writers):
    """The first call has inserted but not committed when the second reads, so the second sees
    none of its notices, and the unique constraint must settle it."""
    partnership = build_partnership("Kent and Medway")
    with activate(partnership.tenant):
        people = officers(partnership, 3)
    first_has_written = threading.Event()
    created, errors = {}, []

    def first():
        try:
            with activate(partnership.tenant), transaction.atomic():
                created["first"] = tell(people[:2])
                first_has_written.set()
                # Long enough for the second call to read and then wait on our rows.
                threading.Event().wait(1)
        except Exception as exc:  # Reported below; a thread's exception is otherwise lost.
            errors.append(exc)
        finally:
            first_has_written.set()
            connections.close_all()

    def second():
        try:
            first_has_written.wait(timeout=10)
            with activate(partnership.tenant):
                created["second"] = tell(people)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(created["first"]) == 2
    assert [n.recipient_id for n in created["second"]] == [people[2].pk]
    assert Notice.objects.cross_tenant().count() == 3
    assert OutboxEmail.objects.cross_tenant().count() == 3
