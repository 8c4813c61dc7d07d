"""Concurrent writers never fork the chain: each takes the tenant's chain head FOR UPDATE, so
decisions recorded at once by several connections still form one chain without gaps."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from partners.tenancy import activate
from sharing_log import services
from sharing_log.choices import Basis
from sharing_log.models import SharingDecision
from sharing_log.verification import chain_verify
from tests.sharing_log.conftest import draft

WRITERS = 4
EACH = 5


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write to the file, so writers cannot race; the row lock on "
    "the chain head is exercised on PostgreSQL (DATABASE_URL=postgres://…).",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(log, child):
    tenant = log.partnership.tenant
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            with activate(tenant):
                start.wait()
                for _ in range(EACH):
                    services.decision_record(
                        actor=log.senco,
                        draft=draft(log, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None),
                    )
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with activate(tenant):
        sequences = sorted(SharingDecision.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, WRITERS * EACH + 1))
    report = chain_verify(tenant=tenant)
    assert report.ok, str(report)
    assert report.checked == WRITERS * EACH
