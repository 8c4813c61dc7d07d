"""An API page's rows (`decision_summaries`) are read through a raw cursor for speed; they must
be exactly what the ORM reads for the same decisions, value for value and type for type, on
PostgreSQL and SQLite alike, and only the active partnership's."""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from partners.tenancy import activate
from sharing_log.models import DecisionRecipient, OverrideApproval, SharingDecision
from sharing_log.selectors import decision_summaries
from sharing_log.selectors.summaries import RECIPIENT_VALUES, SUMMARY_FIELDS, SUMMARY_RELATIONS
from tests.sharing_log.conftest import every_kind_of_decision, parent_consent, record


def through_the_orm(keys: list[int]) -> list[dict]:
    """What the rows were when the ORM read them: the model's fields through values()."""
    related = {f"{name}_public_id": F(f"{name}__public_id") for name in SUMMARY_RELATIONS}
    rows = {
        row["id"]: row
        for row in SharingDecision.objects.filter(pk__in=keys).values(*SUMMARY_FIELDS, **related)
    }
    for row in rows.values():
        newer = SharingDecision.objects.filter(supersedes_id=row["id"]).first()
        row["superseded_by_public_id"] = newer.public_id if newer else None
        row["recipients"] = [
            dict(zip(RECIPIENT_VALUES, values, strict=True))
            for values in DecisionRecipient.objects.filter(decision_id=row["id"])
            .order_by("id")
            .values_list("organisation__public_id", *RECIPIENT_VALUES[1:])
        ]
        row["approval"] = (
            OverrideApproval.objects.filter(decision_id=row["id"])
            .values(
                "outcome",
                "reasons",
                "decided_at",
                "retrospective",
                manager_public_id=F("manager__public_id"),
            )
            .first()
        )
    return [rows[key] for key in keys]


def test_the_rows_are_what_the_orm_reads_for_every_kind_of_decision(log, child):
    every_kind_of_decision(log, child)
    with activate(log.world.partnership.tenant):
        keys = list(SharingDecision.objects.order_by("-id").values_list("pk", flat=True))

        rows = decision_summaries(keys)

        expected = through_the_orm(keys)
    assert len(rows) == 6
    for row, want in zip(rows, expected, strict=True):
        assert row == want
        assert {name: type(value) for name, value in row.items()} == {
            name: type(value) for name, value in want.items()
        }
    assert any(row["approval"] for row in rows)
    assert any(row["superseded_by_public_id"] for row in rows)
    assert any(recipient["organisation"] is None for row in rows for recipient in row["recipients"])
    assert all(row["decided_at"].tzinfo is not None for row in rows)


def test_a_page_is_two_statements_in_the_order_asked(log, child):
    parent_consent(log.world, log.senco, child)
    first, second, third = (record(log, log.senco, child) for _ in range(3))
    with activate(log.world.partnership.tenant), CaptureQueriesContext(connection) as queries:
        rows = decision_summaries([second.pk, third.pk, first.pk])

    assert [row["public_id"] for row in rows] == [
        second.public_id,
        third.public_id,
        first.public_id,
    ]
    assert len(queries.captured_queries) == 2
    assert decision_summaries([]) == []


def test_another_partnerships_decisions_are_not_read(log, child, other_partnership):
    parent_consent(log.world, log.senco, child)
    mine = record(log, log.senco, child)
    with activate(other_partnership.tenant):
        assert decision_summaries([mine.pk]) == []
