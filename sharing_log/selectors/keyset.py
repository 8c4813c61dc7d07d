"""The log's keyset walk through a raw cursor: for a member who sees the whole partnership's log
(the IG officer and the auditor), and for each way another member sees decisions (made by their
organisation, received by it, approved by them: sharing_log.access.Visibility, whose `sql`
carries need-to-know as consent.access.child_visible_sql writes it).

The walk is the decisions narrowed by the filters, newest first from the cursor. Built with the
ORM, that one statement cost a page a third of its time to build and compile (a practitioner's
page, with a walk for each way and need-to-know's EXISTS in each, half), against a fraction of a
millisecond to run (docs/performance.md, (a)). So it is written here, as the ORM
writes it (the same conditions, so the same plan: the tenant named in the anti-join and on the
recipients, so that PostgreSQL walks their indexes), from the models' metadata. Every value is a
parameter; only names from the models, quoted, go in the SQL. The meaning of each filter stays
in sharing_log/selectors/log.py, which calls this with plain values; the tests hold the pages it
gives to those of the filters' own definitions, on both databases.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache

from django.db import connection

from partners.raw_reads import Column, column, quote, read
from sharing_log.models import DecisionRecipient, SharingDecision


def log_keys(
    *,
    tenant_id: int,
    condition: tuple[str, list] = ("1 = 1", []),
    equal: Mapping[str, object],
    current_only: bool,
    recipient_organisation_id: int | None,
    since: datetime | None,
    until: datetime | None,
    cursor: tuple[datetime, int] | None,
    descending: bool,
    limit: int,
) -> list[tuple]:
    """(time, id, public id) of up to `limit` of the partnership's decisions in page order:
    those that meet `condition` (SQL on the log's row `d`, with its parameters), whose fields
    equal `equal` (a relation by its key), current ones only if asked, sent
    to the organisation if one is given (then ordered by the recipient's copy of the time), at
    or after `since` and before `until`, and beyond the cursor's (time, id)."""
    decision = SharingDecision._meta
    table = quote(decision.db_table)
    columns = _page_columns(by_recipient=recipient_organisation_id is not None)
    (_, time, time_field), (_, key, _) = columns[:2]
    joins, where = [], [f"d.{column(SharingDecision, 'tenant')} = %s", f"({condition[0]})"]
    params = [tenant_id, *condition[1]]
    if current_only:
        # NOT EXISTS, as access.is_current writes it: walked newest first along the log's index.
        tenant, supersedes = (
            column(SharingDecision, "tenant"),
            column(SharingDecision, "supersedes"),
        )
        where.append(
            f"NOT EXISTS (SELECT 1 FROM {table} s "  # noqa: S608
            f"WHERE s.{tenant} = %s AND s.{supersedes} = {key})"
        )
        params.append(tenant_id)
    for name, value in equal.items():
        field = decision.get_field(name)
        where.append(f"d.{quote(field.column)} = %s")
        params.append(field.get_db_prep_value(value, connection))
    if recipient_organisation_id is not None:
        recipients = quote(DecisionRecipient._meta.db_table)
        joins.append(f"JOIN {recipients} r ON r.{column(DecisionRecipient, 'decision')} = {key}")
        where += [
            f"r.{column(DecisionRecipient, 'organisation')} = %s",
            f"r.{column(DecisionRecipient, 'tenant')} = %s",
        ]
        params += [recipient_organisation_id, tenant_id]

    def at(moment: datetime):
        return time_field.get_db_prep_value(moment, connection)

    if since is not None:
        where.append(f"{time} >= %s")
        params.append(at(since))
    if until is not None:
        where.append(f"{time} < %s")
        params.append(at(until))
    if cursor is not None:
        # The first term bounds the index scan at the cursor; the rest breaks ties by id.
        op = "<" if descending else ">"
        where.append(f"{time} {op}= %s AND ({time} {op} %s OR ({time} = %s AND {key} {op} %s))")
        params += [at(cursor[0]), at(cursor[0]), at(cursor[0]), cursor[1]]
    order = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {time}, {key}, d.{column(SharingDecision, 'public_id')} "  # noqa: S608
        f"FROM {table} d {' '.join(joins)} WHERE {' AND '.join(where)} "
        f"ORDER BY {time} {order}, {key} {order} LIMIT %s"
    )
    return [tuple(row) for row in read(sql, columns, [*params, limit])]


@cache
def _page_columns(*, by_recipient: bool) -> tuple[Column, ...]:
    """What a page's walk reads: the time it is ordered by (the decision's, or the recipient's
    copy of it, `r`), the decision's key and its public id. Made once each, as `read` expects
    (it knows a columns tuple's converters by the tuple's identity)."""
    decision = SharingDecision._meta
    model, alias = (DecisionRecipient, "r") if by_recipient else (SharingDecision, "d")
    return (
        ("time", column(model, "decided_at", alias), model._meta.get_field("decided_at")),
        ("id", f"d.{quote(decision.pk.column)}", decision.pk),
        ("public_id", "public_id", decision.get_field("public_id")),
    )
