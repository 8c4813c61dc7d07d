"""Verifying a tenant's sharing log: every decision's content against its content hash, every
link of the chain, the sequence without gaps, and the chain head at the last link.

Reads the decisions in sequence order as plain rows, a chunk (and its recipients) at a time,
keyset on the sequence, so a million decisions verify in constant memory (measured on the
seeded scale tenant: 1,000,252 decisions in 2 min 34 s, 160 MB peak, on the shared 2 cores).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from partners.models import Tenant
from partners.tenancy import activate
from sharing_log.chain import (
    CONTENT_FIELDS,
    GENESIS_HASH,
    RECIPIENT_FIELDS,
    chain_hash,
    content_hash,
    decision_content,
)
from sharing_log.models import DecisionRecipient, SharingDecision, SharingLogHead

CHUNK = 2000


@dataclass(frozen=True)
class ChainReport:
    tenant: str
    checked: int
    ok: bool
    # The first broken link, when there is one.
    sequence: int | None = None
    public_id: UUID | None = None
    problem: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"{self.tenant}: {self.checked} decisions, chain intact."
        where = f" at sequence {self.sequence}" if self.sequence is not None else ""
        which = f" (decision {self.public_id})" if self.public_id else ""
        return f"{self.tenant}: BROKEN{where}{which}: {self.problem}"


class _Row:
    """A decision read as a plain row, named as a report names it."""

    def __init__(self, row: dict) -> None:
        self.sequence = row["sequence"]
        self.public_id = row["public_id"]


def _broken(tenant: Tenant, checked: int, decision: _Row | None, problem: str, **kw):
    return ChainReport(
        tenant=tenant.slug,
        checked=checked,
        ok=False,
        sequence=kw.get("sequence", decision.sequence if decision else None),
        public_id=decision.public_id if decision else None,
        problem=problem,
    )


def chain_verify(*, tenant: Tenant) -> ChainReport:
    """Check `tenant`'s whole chain and name the first broken link."""
    with activate(tenant):
        return _verify(tenant)


def _chunks(tenant: Tenant) -> Iterator[list[dict]]:
    """The tenant's decisions in sequence order, CHUNK at a time, as plain rows with their
    recipients: keyset on the sequence (no cursor held open, no model instances)."""
    fields = sorted({*CONTENT_FIELDS, "id", "content_hash", "chain_hash"})
    last = 0
    while True:
        rows = list(
            SharingDecision.objects.filter(tenant=tenant, sequence__gt=last)
            .order_by("sequence")
            .values(*fields)[:CHUNK]
        )
        if not rows:
            return
        recipients: dict[int, list[dict]] = {row["id"]: [] for row in rows}
        for recipient in DecisionRecipient.objects.filter(decision_id__in=list(recipients)).values(
            "decision_id", "decided_at", *RECIPIENT_FIELDS
        ):
            recipients[recipient["decision_id"]].append(recipient)
        for row in rows:
            row["recipients"] = recipients[row["id"]]
        yield rows
        last = rows[-1]["sequence"]


def _verify(tenant: Tenant) -> ChainReport:
    previous = GENESIS_HASH
    expected = 1
    checked = 0
    for rows in _chunks(tenant):
        for row in rows:
            decision = _Row(row)
            if row["sequence"] != expected:
                return _broken(
                    tenant,
                    checked,
                    decision,
                    f"decision {expected} is missing: the sequence jumps to {row['sequence']}",
                    sequence=expected,
                )
            recipients = row["recipients"]
            if any(recipient["decided_at"] != row["decided_at"] for recipient in recipients):
                return _broken(
                    tenant, checked, decision, "a recipient's copy of the decision time differs"
                )
            if content_hash(decision_content(row, recipients)) != row["content_hash"]:
                return _broken(
                    tenant,
                    checked,
                    decision,
                    "its content does not match its content hash (altered after it was recorded)",
                )
            if chain_hash(previous, row["content_hash"]) != row["chain_hash"]:
                return _broken(
                    tenant,
                    checked,
                    decision,
                    "its chain hash does not follow from the previous decision's",
                )
            previous = row["chain_hash"]
            expected += 1
            checked += 1
    head = SharingLogHead.objects.filter(tenant=tenant).first()
    last = expected - 1
    if head is None and last:
        return _broken(tenant, checked, None, "the chain head is missing", sequence=last)
    if head is not None and (head.sequence != last or head.chain_hash != previous):
        return _broken(
            tenant,
            checked,
            None,
            f"the chain head says {head.sequence} decisions but the log holds {last}: "
            "decisions were removed from its end, or added outside the service",
            sequence=min(head.sequence, last) + 1,
        )
    return ChainReport(tenant=tenant.slug, checked=checked, ok=True)
