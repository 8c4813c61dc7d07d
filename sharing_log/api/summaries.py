"""The API log's rows written without the serializer: each row of
`sharing_log.selectors.decision_summaries` written exactly as `DecisionSummarySerializer` (the
schema) writes the decision, with a writer chosen once for each field; and a decision just
recorded (`selectors.recorded_row`) as `DecisionSerializer` writes it. Fifty rows through the
serializer's fields were ~2,500 field calls, a third of an API page's time
(docs/performance.md); tests/sharing_log/test_api.py compares the two for every kind of row."""

from __future__ import annotations

from datetime import datetime, tzinfo

from django.utils import timezone

from sharing_log.api.serializers import DecisionSerializer, DecisionSummarySerializer
from sharing_log.selectors import SUMMARY_RELATIONS, override_status_for

# How DecisionSummarySerializer writes each of its fields that is not written as it is stored.
# A writer takes the row and the request's time zone, read once for the page.


def _iso(value: datetime | None, zone: tzinfo) -> str | None:
    """A time as DRF's DateTimeField writes it (ISO 8601 in the current time zone, UTC as
    "Z"), without looking the time zone up for each value."""
    if value is None:
        return None
    written = value.astimezone(zone).isoformat()
    return written[:-6] + "Z" if written.endswith("+00:00") else written


def _text_id(value) -> str | None:
    return str(value) if value is not None else None


def _public_id(name: str):
    return lambda row, zone: _text_id(row[f"{name}_public_id"])


def _time(name: str):
    return lambda row, zone: _iso(row[name], zone)


def _listed(name: str):
    return lambda row, zone: list(row[name])


def _recipients(row: dict, zone: tzinfo) -> list[dict]:
    return [
        {**recipient, "organisation": _text_id(recipient["organisation"])}
        for recipient in row["recipients"]
    ]


def _override_status(row: dict, zone: tzinfo) -> str:
    approval = row["approval"]
    return str(override_status_for(row["override_kind"], approval["outcome"] if approval else None))


def _approval(row: dict, zone: tzinfo) -> dict | None:
    approval = row["approval"]
    return approval and {
        "manager": str(approval["manager_public_id"]),
        "outcome": approval["outcome"],
        "reasons": approval["reasons"],
        "decided_at": _iso(approval["decided_at"], zone),
        "retrospective": approval["retrospective"],
    }


# Fields that `decision_summaries` gives as the public ids of related rows (`<name>_public_id`).
_RELATED_IDS = {*SUMMARY_RELATIONS, "superseded_by"}


def _writer(name: str):
    """How DecisionSummarySerializer writes the field `name` of a `decision_summaries` row, or
    None for a field it writes as it is stored."""
    special = {
        "id": lambda row, zone: str(row["public_id"]),
        "reconsider_on": lambda row, zone: (
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
    return None  # written as it is stored


# Worked out once, not for each field of each row: fifty rows of forty fields each.
_SUMMARY_WRITERS = [(name, _writer(name)) for name in DecisionSummarySerializer.Meta.fields]
_DECISION_WRITERS = [(name, _writer(name)) for name in DecisionSerializer.Meta.fields]


def _written(row: dict, writers, zone: tzinfo) -> dict:
    return {name: row[name] if write is None else write(row, zone) for name, write in writers}


def summary_representations(rows: list[dict]) -> list[dict]:
    """Rows of `decision_summaries` written exactly as DecisionSummarySerializer writes the
    decisions (tests/sharing_log/test_api.py compares the two). Fifty rows through the
    serializer's fields were ~2,500 field calls, a third of an API page's time."""
    zone = timezone.get_current_timezone()
    return [_written(row, _SUMMARY_WRITERS, zone) for row in rows]


def recorded_representation(row: dict) -> dict:
    """A decision just recorded (`selectors.recorded_row`) written exactly as DecisionSerializer
    writes it (tests/sharing_log/test_api.py compares the two): the answer to a POST."""
    return _written(row, _DECISION_WRITERS, timezone.get_current_timezone())
