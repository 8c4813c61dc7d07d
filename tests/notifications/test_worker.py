"""deliver_outbox through the real broker and a real Celery worker (see tests/test_celery_worker.py,
which this borrows its worker from): the email is sent and its row marked sent, committed."""

import pytest
from celery.result import EagerResult
from django.core import mail

from notifications.models import OutboxEmail
from notifications.services import notify
from notifications.tasks import deliver_outbox
from partners.tenancy import activate
from tests.conftest import build_partnership

pytestmark = pytest.mark.services


def test_the_outbox_is_delivered_by_a_real_worker(celery_worker):
    partnership = build_partnership("Kent and Medway")
    officer = partnership.member("ig_officer")
    with activate(partnership.tenant):
        notify(
            recipients=[officer],
            title="A consent is due for review",
            body="Review the consent with the family.",
            link="/consent/",
            reason="You are the SENCo who recorded it.",
            dedup_key="consent:1:review",
        )

    result = deliver_outbox.delay()
    assert not isinstance(result, EagerResult)

    assert result.get(timeout=30) == {"sent": 1, "failed": 0}
    assert [message.to for message in mail.outbox] == [[officer.user.email]]
    assert OutboxEmail.objects.cross_tenant().get().sent_at is not None
    # Run again through the worker: nothing is sent twice.
    assert deliver_outbox.delay().get(timeout=30) == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 1
