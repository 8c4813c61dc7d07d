"""The demo sharing log: decisions on every legal basis, shares and decisions not to share, an
override waiting for the designated manager and others approved, a corrected entry, and two
inaccuracy notices (one acknowledged), all with a valid hash chain. A second run writes nothing."""

import pytest

from partners.demo import demo_partnership_seed
from partners.tenancy import activate
from sharing_log import selectors
from sharing_log.choices import Basis, Outcome, OverrideStatus
from sharing_log.models import InaccuracyNotice, SharingDecision
from sharing_log.verification import chain_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def kent():
    return demo_partnership_seed().partnerships["kent"]


def test_the_demo_log_covers_every_basis_and_outcome(kent):
    with activate(kent.tenant):
        decisions = list(SharingDecision.objects.select_related("approval"))
        assert {d.basis for d in decisions} - {""} == set(Basis.values)
        assert {d.outcome for d in decisions} == set(Outcome.values)
        statuses = {selectors.override_status(d) for d in decisions}
        assert {OverrideStatus.PENDING, OverrideStatus.APPROVED} <= statuses
        assert any(d.supersedes_id for d in decisions)
        assert any(d.subject_id is None for d in decisions)
        manager = kent.member("manager")
        assert selectors.overrides_pending_for(manager=manager).exists()


def test_one_notice_is_acknowledged_and_one_is_not(kent):
    with activate(kent.tenant):
        assert InaccuracyNotice.objects.count() == 2
        waiting = selectors.notices_unacknowledged(viewer=kent.member("ig_officer"))
        assert waiting.count() == 1


def test_the_demo_chain_is_valid_and_a_second_run_writes_nothing(kent):
    report = chain_verify(tenant=kent.tenant)
    assert report.ok, str(report)

    demo_partnership_seed()

    again = chain_verify(tenant=kent.tenant)
    assert again.ok and again.checked == report.checked
