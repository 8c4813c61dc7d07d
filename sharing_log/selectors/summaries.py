"""The API log's rows as plain values, read through a raw cursor.

An API page of the log is two statements: the decisions (with their approval and the public ids
of the rows they point to) and their recipients. Built with the ORM, the three querysets it took
cost Django ~5 ms of compiling and converting a page, twice what running the same SQL costs, and
the issue's target is within 2× of a raw cursor (docs/performance.md, (a)). So the SQL is written
here, from the models' metadata (a field added to the decision is read without a change here),
and read by partners.raw_reads, whose values go through the converters the ORM would apply, so
the rows are what `values()` gives on PostgreSQL and SQLite alike.
tests/sharing_log/test_summaries.py compares the two.

No value from outside goes in the SQL: names come from the models, quoted; the tenant and the
ids are parameters. The tenant is named in each statement, as the tenant-scoped managers would.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db.models import Field

from partners.models import Membership, Organisation
from partners.raw_reads import placeholders, quote, read
from partners.tenancy import get_active_tenant
from sharing_log.models import DecisionRecipient, OverrideApproval, SharingDecision
from sharing_log.selectors.log import LIST_DEFERRED, public_id_sql

# What the API's rows read of a decision: its own columns but those a list does not show, and
# the public id of each row it points to.
SUMMARY_FIELDS = tuple(
    field.name
    for field in SharingDecision._meta.concrete_fields
    if not field.is_relation and field.name not in (*LIST_DEFERRED, "updated_at")
)
SUMMARY_RELATIONS = tuple(
    field.name
    for field in SharingDecision._meta.concrete_fields
    if field.is_relation and field.name != "tenant"
)
# Every field of a decision's own: what `recorded_row` gives (a list defers some of them).
RECORDED_FIELDS = tuple(
    field.name
    for field in SharingDecision._meta.concrete_fields
    if not field.is_relation and field.name != "updated_at"
)
RECIPIENT_VALUES = ("organisation", "organisation_name", "person_name", "person_role")
APPROVAL_VALUES = ("outcome", "reasons", "decided_at", "retrospective")


def _field(model, name: str) -> Field:
    return model._meta.get_field(name)


def _public_id_from(model, column: str, outer_column: str) -> str:
    """The public id of the `model` row whose `column` equals the decision's `outer_column`."""
    return f"({public_id_sql(model, column, 'd.' + quote(outer_column))})"


@cache
def _decision_columns() -> tuple[tuple[str, str, Field], ...]:
    """(key in the row, SQL, the field whose converters its value goes through)."""
    columns = [
        (name, f"d.{quote(_field(SharingDecision, name).column)}", _field(SharingDecision, name))
        for name in SUMMARY_FIELDS
    ]
    for name in SUMMARY_RELATIONS:
        field = _field(SharingDecision, name)
        target = field.related_model
        columns.append(
            (
                f"{name}_public_id",
                _public_id_from(target, "id", field.column),
                _field(target, "public_id"),
            )
        )
    supersedes = _field(SharingDecision, "supersedes").column
    columns.append(
        (
            "superseded_by_public_id",
            _public_id_from(SharingDecision, supersedes, "id"),
            _field(SharingDecision, "public_id"),
        )
    )
    columns += [
        (
            f"approval.{name}",
            f"a.{quote(_field(OverrideApproval, name).column)}",
            _field(OverrideApproval, name),
        )
        for name in ("id", *APPROVAL_VALUES)
    ]
    columns.append(
        ("approval.manager_public_id", f"m.{quote('public_id')}", _field(Membership, "public_id"))
    )
    return tuple(columns)


def _left_join(model, alias: str, column: str, other: str) -> str:
    """LEFT JOIN `model` as `alias` on its `column` equal to `other` (an aliased column)."""
    return f"LEFT JOIN {quote(model._meta.db_table)} {alias} ON {alias}.{quote(column)} = {other}"


@cache
def _decisions_sql() -> str:
    approval = OverrideApproval._meta
    selected = ", ".join(sql for _, sql, _ in _decision_columns())
    decision, manager = approval.get_field("decision").column, approval.get_field("manager").column
    return (
        f"SELECT {selected} FROM {quote(SharingDecision._meta.db_table)} d "  # noqa: S608
        f"{_left_join(OverrideApproval, 'a', decision, 'd.' + quote('id'))} "
        f"{_left_join(Membership, 'm', 'id', 'a.' + quote(manager))} "
        f"WHERE d.{quote('tenant_id')} = %s AND d.{quote('id')} IN ({{ids}})"
    )


@cache
def _recipient_columns() -> tuple[tuple[str, str, Field], ...]:
    columns = [
        ("decision_id", f"r.{quote('decision_id')}", _field(DecisionRecipient, "decision")),
        ("organisation", f"o.{quote('public_id')}", _field(Organisation, "public_id")),
    ]
    columns += [
        (
            name,
            f"r.{quote(_field(DecisionRecipient, name).column)}",
            _field(DecisionRecipient, name),
        )
        for name in RECIPIENT_VALUES[1:]
    ]
    return tuple(columns)


@cache
def _recipients_sql() -> str:
    recipient = DecisionRecipient._meta
    selected = ", ".join(sql for _, sql, _ in _recipient_columns())
    organisation = "r." + quote(recipient.get_field("organisation").column)
    return (
        f"SELECT {selected} FROM {quote(recipient.db_table)} r "  # noqa: S608
        f"{_left_join(Organisation, 'o', 'id', organisation)} "
        f"WHERE r.{quote('tenant_id')} = %s AND r.{quote('decision_id')} IN ({{ids}}) "
        f"ORDER BY r.{quote('id')}"
    )


def decision_summaries(keys: Sequence[int]) -> list[dict]:
    """The rows of a page as plain values, in `keys` order: the decision's own fields, the
    public ids of the rows it points to (`<field>_public_id`), its `recipients` (the
    organisation as its public id) and its `approval` (or None). Two statements, no model
    instances and no queryset. Only the active partnership's decisions are read."""
    if not keys:
        return []
    ids = placeholders(len(keys))
    params = [get_active_tenant().pk, *keys]
    columns = _decision_columns()
    names = [name for name, _, _ in columns]
    found = {}
    for row in read(_decisions_sql().format(ids=ids), columns, params):
        values = dict(zip(names, row, strict=True))
        approval = {
            name: values.pop(f"approval.{name}")
            for name in ("id", *APPROVAL_VALUES, "manager_public_id")
        }
        values["recipients"] = []
        values["approval"] = approval if approval.pop("id") is not None else None
        found[values["id"]] = values
    recipient_columns = _recipient_columns()
    for decision_id, *values in read(_recipients_sql().format(ids=ids), recipient_columns, params):
        found[decision_id]["recipients"].append(dict(zip(RECIPIENT_VALUES, values, strict=True)))
    # A key of another partnership (none comes from the log's own pages) is not read at all.
    return [found[key] for key in keys if key in found]


def recorded_row(decision: SharingDecision) -> dict:
    """A decision the services have just recorded, as a row of `decision_summaries` with every
    field of its own (those a list defers too) and its statutory gateway's citation, written
    from the instances in memory without a query: its related rows are those the draft resolved
    (cached on the decision), its recipients those recorded with it (`recorded_recipients`),
    and nothing supersedes or approves a decision when it is recorded. Reading it back was
    three queries and a fifth of a POST's time (docs/performance.md, (c))."""
    row = {name: getattr(decision, name) for name in RECORDED_FIELDS}
    for name in SUMMARY_RELATIONS:
        related = getattr(decision, name)
        row[f"{name}_public_id"] = related.public_id if related is not None else None
    gateway = decision.statutory_gateway
    row["statutory_gateway_citation"] = gateway.citation if gateway is not None else ""
    row["superseded_by_public_id"] = None
    row["approval"] = None
    row["recipients"] = [
        {
            "organisation": recipient.organisation.public_id if recipient.organisation else None,
            **{name: getattr(recipient, name) for name in RECIPIENT_VALUES[1:]},
        }
        for recipient in decision.recorded_recipients
    ]
    return row
