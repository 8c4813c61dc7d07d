"""The hash chain of the sharing log: pure functions, no database.

A decision's canonical content is a JSON object of its stored fields (`CONTENT_FIELDS`, by
attribute name, foreign keys as their integer ids) plus its recipients, serialised with sorted
keys, no whitespace, UTF-8. Its `content_hash` is the SHA-256 hex digest of those bytes; its
`chain_hash` is SHA-256 over the previous decision's chain hash followed by its content hash
(both hex, ASCII), the first decision of a tenant chaining from `GENESIS_HASH`.

Because the chain runs over content hashes and not content, a later retention job may redact an
expired decision's content while its stored hashes keep every later link verifiable.

Bulk loaders (bench/) build unsaved SharingDecision and DecisionRecipient instances, set
`sequence`, call `decision_hashes(...)` in sequence order, and must finish by moving the tenant's
SharingLogHead to the last sequence and chain hash, exactly as sharing_log.services does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

GENESIS_HASH = "0" * 64

# The decision's fields that its content hash covers, by attribute name. Everything the decision
# says, and its place in the chain; not the database id, created/updated stamps or the hashes.
CONTENT_FIELDS: tuple[str, ...] = (
    "tenant_id",
    "public_id",
    "sequence",
    "subject_id",
    "organisation_id",
    "decided_by_id",
    "decided_at",
    "requested_by_name",
    "requested_by_organisation_id",
    "requested_by_organisation_name",
    "requested_by_role",
    "identity_check",
    "identity_check_details",
    "outcome",
    "purpose",
    "agreement_id",
    "consent_scope_id",
    "information_level",
    "data_items",
    "special_categories",
    "information_description",
    "method",
    "channel",
    "record_location",
    "basis",
    "consent_id",
    "consent_snapshot",
    "statutory_gateway_id",
    "request_reference",
    "basis_details",
    "immediate_risk",
    "check_necessary",
    "check_proportionate",
    "check_relevant",
    "check_adequate",
    "check_accurate",
    "check_timely",
    "check_secure",
    "checks_note",
    "advice_sought",
    "advice_given",
    "protected_identities",
    "reasons",
    "will_reconsider",
    "reconsider_on",
    "override_kind",
    "override_reasons",
    "override_evidence",
    "third_parties_informed",
    "supersedes_id",
    "supersede_reason",
)

RECIPIENT_FIELDS: tuple[str, ...] = (
    "organisation_id",
    "organisation_name",
    "person_name",
    "person_role",
)


def _plain(value: Any) -> Any:
    """A stored value as JSON: datetimes in UTC with microseconds, dates ISO, UUIDs as text."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("A decision's times are stored with their time zone.")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def recipient_content(recipient: Any) -> dict[str, Any]:
    """One recipient (a DecisionRecipient, or a mapping with RECIPIENT_FIELDS) as plain data."""
    if isinstance(recipient, Mapping):
        return {name: _plain(recipient.get(name)) for name in RECIPIENT_FIELDS}
    return {name: _plain(getattr(recipient, name)) for name in RECIPIENT_FIELDS}


def decision_content(decision: Any, recipients: Iterable[Any]) -> dict[str, Any]:
    """The content a decision's hash covers: CONTENT_FIELDS of `decision` (a SharingDecision,
    saved or not, or a mapping with those keys) and its recipients, in a stable order."""
    if isinstance(decision, Mapping):
        content = {name: _plain(decision.get(name)) for name in CONTENT_FIELDS}
    else:
        content = {name: _plain(getattr(decision, name)) for name in CONTENT_FIELDS}
    rows = [recipient_content(recipient) for recipient in recipients]
    content["recipients"] = sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))
    return content


def canonical_content(content: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_content(content)).hexdigest()


def chain_hash(previous_chain_hash: str, content_hash: str) -> str:
    return hashlib.sha256((previous_chain_hash + content_hash).encode("ascii")).hexdigest()


def decision_hashes(
    decision: Any, recipients: Iterable[Any], previous_chain_hash: str
) -> tuple[str, str]:
    """(content_hash, chain_hash) of a decision following `previous_chain_hash`."""
    digest = content_hash(decision_content(decision, recipients))
    return digest, chain_hash(previous_chain_hash, digest)
