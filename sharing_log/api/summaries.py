"""The API log's rows written without the serializer: each row of
`sharing_log.selectors.decision_summaries` written exactly as `DecisionSummarySerializer` (the
schema) writes the decision, with a writer chosen once for each field. Fifty rows through the
serializer's fields were ~2,500 field calls, a third of an API page's time
(docs/performance.md); tests/sharing_log/test_api.py compares the two for every kind of row."""

from __future__ import annotations

from rest_framework import serializers

from sharing_log.api.serializers import DecisionSummarySerializer
from sharing_log.selectors import SUMMARY_RELATIONS, override_status_for

# How DecisionSummarySerializer writes each of its fields that is not written as it is stored.
_TIME = serializers.DateTimeField()


def _text_id(value) -> str | None:
    return str(value) if value is not None else None


def _public_id(name: str):
    return lambda row: _text_id(row[f"{name}_public_id"])


def _time(name: str):
    return lambda row: _TIME.to_representation(row[name])


def _as_stored(name: str):
    return lambda row: row[name]


def _listed(name: str):
    return lambda row: list(row[name])


def _recipients(row: dict) -> list[dict]:
    return [
        {**recipient, "organisation": _text_id(recipient["organisation"])}
        for recipient in row["recipients"]
    ]


def _override_status(row: dict) -> str:
    approval = row["approval"]
    return str(override_status_for(row["override_kind"], approval["outcome"] if approval else None))


def _approval(row: dict) -> dict | None:
    approval = row["approval"]
    return approval and {
        "manager": str(approval["manager_public_id"]),
        "outcome": approval["outcome"],
        "reasons": approval["reasons"],
        "decided_at": _TIME.to_representation(approval["decided_at"]),
        "retrospective": approval["retrospective"],
    }


# Fields that `decision_summaries` gives as the public ids of related rows (`<name>_public_id`).
_RELATED_IDS = {*SUMMARY_RELATIONS, "superseded_by"}


def _writer(name: str):
    """How DecisionSummarySerializer writes the field `name` of a `decision_summaries` row."""
    special = {
        "id": lambda row: str(row["public_id"]),
        "reconsider_on": lambda row: (
            row["reconsider_on"].isoformat() if row["reconsider_on"] else None
        ),
        "recipients": _recipients,
        "override_status": _override_status,
        "approval": _approval,
    }
    if name in special:
        return special[name]
    if name in ("decided_at", "created_at"):
        return _time(name)
    if name in ("special_categories", "advice_sought"):
        return _listed(name)
    if name in _RELATED_IDS:
        return _public_id(name)
    return _as_stored(name)


# Worked out once, not for each field of each row: fifty rows of forty fields each.
_SUMMARY_WRITERS = [(name, _writer(name)) for name in DecisionSummarySerializer.Meta.fields]


def summary_representation(row: dict) -> dict:
    """A row of `decision_summaries` written exactly as DecisionSummarySerializer writes the
    decision (tests/sharing_log/test_api.py compares the two). Fifty rows through the
    serializer's fields were ~2,500 field calls, a third of an API page's time."""
    return {name: write(row) for name, write in _SUMMARY_WRITERS}
