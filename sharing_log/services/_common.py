"""What every sharing-log service shares: permission checks, links, dates, the chain append."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from partners.models import Tenant
from partners.reminders import local_today, long_date
from partners.roles import can
from sharing_log.chain import decision_hashes
from sharing_log.models import DecisionRecipient, SharingDecision, SharingLogHead

__all__ = [
    "append_all_to_chain",
    "append_to_chain",
    "decision_link",
    "long_date",
    "notice_link",
    "overrides_link",
    "require",
    "today",
]

# Pages (the pages helper's sharing_log/urls.py) answer these paths; notices link to them.
SITE_PREFIX = "/sharing-log/"


def decision_link(decision: SharingDecision) -> str:
    return f"{SITE_PREFIX}decisions/{decision.public_id}/"


def overrides_link() -> str:
    return f"{SITE_PREFIX}overrides/"


def notice_link(notice) -> str:
    return f"{SITE_PREFIX}notices/{notice.public_id}/"


def require(actor, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied("Your role does not allow this.")


def today(tenant: Tenant) -> date:
    return local_today(tenant)


def _locked_head(tenant: Tenant) -> SharingLogHead:
    """The tenant's chain head, locked until the transaction ends: the next writer of this
    tenant waits here, so two decisions never take the same place in the chain. The first
    decision of a tenant creates the row; a concurrent first writer's insert is ignored and it
    waits on the lock like any other."""
    heads = SharingLogHead.objects.select_for_update()
    head = heads.filter(tenant=tenant).first()
    if head is None:
        SharingLogHead.objects.bulk_create([SharingLogHead(tenant=tenant)], ignore_conflicts=True)
        head = heads.get(tenant=tenant)
    return head


def append_to_chain(
    decision: SharingDecision, recipients: Sequence[DecisionRecipient]
) -> SharingDecision:
    """Give the (validated, unsaved) decision the next place in its tenant's chain and save it
    with its recipients. Runs inside the caller's transaction."""
    append_all_to_chain([(decision, recipients)])
    return decision


def append_all_to_chain(
    entries: Sequence[tuple[SharingDecision, Sequence[DecisionRecipient]]],
) -> None:
    """Give each (validated, unsaved) decision of one tenant the next place in its chain, in
    order, and save them with their recipients: one lock, one insert of the decisions, one of
    the recipients and one move of the head, however many. Runs inside the caller's
    transaction."""
    head = _locked_head(entries[0][0].tenant)
    sequence, previous = head.sequence, head.chain_hash
    for decision, recipients in entries:
        sequence += 1
        decision.sequence = sequence
        decision.content_hash, decision.chain_hash = decision_hashes(decision, recipients, previous)
        previous = decision.chain_hash
    SharingDecision.objects.bulk_create([decision for decision, _ in entries])
    for decision, recipients in entries:
        for recipient in recipients:
            recipient.decision = decision
        # The recipients as recorded, for the answer (selectors.recorded_row) to write without
        # reading them back.
        decision.recorded_recipients = list(recipients)
    DecisionRecipient.objects.bulk_create(
        [recipient for _, recipients in entries for recipient in recipients]
    )
    SharingLogHead.objects.filter(pk=head.pk).update(
        sequence=sequence, chain_hash=previous, updated_at=timezone.now()
    )
