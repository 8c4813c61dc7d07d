"""What every sharing-log service shares: permission checks, links, dates, the chain append."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from partners.models import Tenant
from partners.raw_reads import column, quote
from partners.raw_writes import insert_with_children
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


@cache
def _head_statements() -> tuple[str, str]:
    """Locking the chain head, and moving it: two statements every decision makes, through a
    raw cursor (building them with the ORM cost more than running them, docs/performance.md
    (c)). SQLite has no row locks; its writers take the database's lock instead (IMMEDIATE)."""
    meta = SharingLogHead._meta
    table, tenant = quote(meta.db_table), quote(meta.pk.column)
    sequence, chain, updated = (
        column(SharingLogHead, name) for name in ("sequence", "chain_hash", "updated_at")
    )
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"SELECT {sequence}, {chain} FROM {table} WHERE {tenant} = %s{lock}",  # noqa: S608
        f"UPDATE {table} SET {sequence} = %s, {chain} = %s, {updated} = %s "  # noqa: S608
        f"WHERE {tenant} = %s",
    )


def _locked_head(tenant: Tenant) -> tuple[int, str]:
    """The tenant's chain head (its last sequence and chain hash), locked until the transaction
    ends: the next writer of this tenant waits here, so two decisions never take the same place
    in the chain. The first decision of a tenant creates the row; a concurrent first writer's
    insert is ignored and it waits on the lock like any other."""
    lock, _ = _head_statements()
    with connection.cursor() as cursor:
        cursor.execute(lock, [tenant.pk])
        head = cursor.fetchone()
        if head is None:
            SharingLogHead.objects.bulk_create(
                [SharingLogHead(tenant=tenant)], ignore_conflicts=True
            )
            cursor.execute(lock, [tenant.pk])
            head = cursor.fetchone()
    return head[0], head[1]


def _head_move(tenant: Tenant, sequence: int, chain_hash: str) -> tuple[str, list]:
    _, move = _head_statements()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return move, [sequence, chain_hash, now, tenant.pk]


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
    order, and save them with their recipients: the head locked, then one statement that inserts
    the decisions and their recipients and moves the head (three on SQLite), however many. Runs
    inside the caller's transaction."""
    tenant = entries[0][0].tenant
    sequence, previous = _locked_head(tenant)
    for decision, recipients in entries:
        sequence += 1
        decision.sequence = sequence
        decision.content_hash, decision.chain_hash = decision_hashes(decision, recipients, previous)
        previous = decision.chain_hash
    decisions = [decision for decision, _ in entries]
    for decision, recipients in entries:
        for recipient in recipients:
            recipient.decision = decision
        # The recipients as recorded, for the answer (selectors.recorded_row) to write without
        # reading them back.
        decision.recorded_recipients = list(recipients)
    # The decisions, their recipients and the head's move: one statement on PostgreSQL.
    insert_with_children(
        decisions,
        [recipient for _, recipients in entries for recipient in recipients],
        link="decision",
        then=_head_move(tenant, sequence, previous),
    )
