"""The outbox: nothing lost when the mail server is down, nothing sent twice when deliverers
overlap. Each test drives the deliverer one run at a time with the clock frozen."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connections

from notifications import services
from notifications.models import OutboxEmail
from notifications.services import notify, outbox_deliver
from notifications.tasks import deliver_outbox
from partners.tenancy import activate
from tests.conftest import build_partnership

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def tell(membership, key="breach:1:partners-notified", title="A breach milestone is due tomorrow"):
    with activate(membership.tenant):
        notify(
            recipients=[membership],
            title=title,
            body="Partners must be told of the breach within 5 working days.",
            link="/breaches/",
            reason="You are the IG officer of the partnership.",
            dedup_key=key,
        )


def run_deliverer_at(when, **kwargs):
    with time_machine.travel(when, tick=False):
        return deliver_outbox.delay(**kwargs).get()


def email_row():
    return OutboxEmail.objects.cross_tenant().get()


@pytest.mark.django_db
def test_with_the_mail_server_down_then_up_the_email_is_sent_once(partnership, mail_server):
    officer = partnership.member("ig_officer")
    with time_machine.travel(T, tick=False):
        tell(officer)
    mail_server.down = True

    assert run_deliverer_at(T) == {"sent": 0, "failed": 1}
    failed = email_row()
    assert failed.sent_at is None
    assert failed.attempts == 1
    assert failed.last_error.startswith("SMTPServerDisconnected")
    assert failed.next_attempt_at == T + timedelta(minutes=1)

    # Backing off: a run before the next attempt is due does not try again.
    assert run_deliverer_at(T + timedelta(seconds=30)) == {"sent": 0, "failed": 0}
    assert run_deliverer_at(T + timedelta(minutes=1)) == {"sent": 0, "failed": 1}
    assert email_row().attempts == 2
    assert email_row().next_attempt_at == T + timedelta(minutes=3)

    mail_server.down = False
    assert run_deliverer_at(T + timedelta(minutes=2)) == {"sent": 0, "failed": 0}
    assert run_deliverer_at(T + timedelta(minutes=3)) == {"sent": 1, "failed": 0}
    assert run_deliverer_at(T + timedelta(hours=1)) == {"sent": 0, "failed": 0}

    sent = email_row()
    assert sent.sent_at == T + timedelta(minutes=3)
    assert sent.attempts == 3
    assert sent.last_error == ""
    assert [message.to for message in mail_server.sent] == [[officer.user.email]]
    assert mail_server.sent[0].subject == "A breach milestone is due tomorrow"


@pytest.mark.django_db
def test_the_back_off_doubles_up_to_six_hours_and_never_gives_up(partnership, mail_server):
    with time_machine.travel(T, tick=False):
        tell(partnership.member("ig_officer"))
    OutboxEmail.objects.cross_tenant().update(attempts=40)
    mail_server.down = True

    run_deliverer_at(T)

    assert email_row().attempts == 41
    assert email_row().next_attempt_at == T + timedelta(hours=6)
    mail_server.down = False
    assert run_deliverer_at(T + timedelta(hours=6)) == {"sent": 1, "failed": 0}


@pytest.mark.django_db
def test_with_the_mail_server_down_a_run_stops_after_a_few_failures(partnership, mail_server):
    officer = partnership.member("ig_officer")
    with time_machine.travel(T, tick=False):
        for number in range(5):
            tell(officer, key=f"notice-{number}")
    mail_server.down = True

    assert run_deliverer_at(T) == {"sent": 0, "failed": services.FAILURES_IN_A_ROW_TO_STOP}

    attempts = OutboxEmail.objects.cross_tenant().values_list("attempts", flat=True)
    assert sorted(attempts) == [0, 0, 1, 1, 1]
    mail_server.down = False
    assert run_deliverer_at(T + timedelta(minutes=1)) == {"sent": 5, "failed": 0}


@pytest.mark.django_db
def test_a_deliverer_killed_mid_send_leaves_the_email_to_the_next_after_its_lease(
    partnership, mail_server, monkeypatch
):
    class Killed(BaseException):
        """The worker process dies: no except clause runs, nothing is recorded."""

    with time_machine.travel(T, tick=False):
        tell(partnership.member("ig_officer"))

    def die(self, messages):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(mail_server, "send_messages", die)
        with pytest.raises(Killed):
            run_deliverer_at(T)

    assert email_row().sent_at is None
    assert run_deliverer_at(T + timedelta(minutes=5)) == {"sent": 0, "failed": 0}
    assert run_deliverer_at(T + services.CLAIM_LEASE) == {"sent": 1, "failed": 0}
    assert len(mail_server.sent) == 1


@pytest.mark.django_db
def test_the_task_delivers_for_every_partnership_each_in_its_own_tenant(
    partnership, other_partnership, mail_server
):
    tell(partnership.member("ig_officer"))
    tell(other_partnership.member("manager"))

    assert run_deliverer_at(datetime.now(UTC)) == {"sent": 2, "failed": 0}
    assert sorted(message.to[0] for message in mail_server.sent) == sorted(
        [
            partnership.member("ig_officer").user.email,
            other_partnership.member("manager").user.email,
        ]
    )


@pytest.mark.django_db
def test_a_batch_takes_the_oldest_and_leaves_the_rest_for_the_next_run(partnership, mail_server):
    officer = partnership.member("ig_officer")
    for minute, key in enumerate(["first", "second", "third"]):
        with time_machine.travel(T + timedelta(minutes=minute), tick=False):
            tell(officer, key=key)

    assert run_deliverer_at(T + timedelta(hours=1), batch=2) == {"sent": 2, "failed": 0}
    assert run_deliverer_at(T + timedelta(hours=1), batch=2) == {"sent": 1, "failed": 0}
    assert len(mail_server.sent) == 3


@pytest.mark.django_db
def test_delivering_for_one_partnership_never_sends_anothers_mail(
    partnership, other_partnership, mail_server
):
    tell(partnership.member("ig_officer"))
    tell(other_partnership.member("ig_officer"))

    with activate(partnership.tenant):
        report = outbox_deliver()

    assert report.sent == 1
    assert [message.to for message in mail_server.sent] == [
        [partnership.member("ig_officer").user.email]
    ]


def test_two_deliverers_at_once_send_each_email_once(concurrent_writers, mail_server, monkeypatch):
    partnership = build_partnership("Kent and Medway")
    officer = partnership.member("ig_officer")
    for number in range(20):
        tell(officer, key=f"notice-{number}", title=f"Notice {number}")
    mail_server.delay = 0.005

    # Both deliverers read the same due emails before either claims one, so only the claim
    # stands between them and a double send.
    both_have_read = threading.Barrier(2)
    read_due_ids = services._due_ids

    def read_then_wait(**kwargs):
        ids = read_due_ids(**kwargs)
        both_have_read.wait(timeout=10)
        return ids

    monkeypatch.setattr(services, "_due_ids", read_then_wait)
    reports, errors = [], []

    def deliverer():
        try:
            with activate(partnership.tenant):
                reports.append(outbox_deliver(batch=100))
        except Exception as exc:  # Reported below; a thread's exception is otherwise lost.
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(report.sent for report in reports) == 20
    assert len(mail_server.sent) == 20
    assert sorted(message.subject for message in mail_server.sent) == sorted(
        f"Notice {number}" for number in range(20)
    )
    rows = OutboxEmail.objects.cross_tenant().all()
    assert all(row.sent_at is not None for row in rows)
    # Nobody claimed a row the other had: every email was attempted exactly once.
    assert {row.attempts for row in rows} == {1}
