"""The log as a spreadsheet: every row the viewer may see under the filters, streamed in
chunks."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from partners.models import Membership
from partners.reminders import tenant_zone
from sharing_log.choices import (
    GOLDEN_RULE_6_CHECKS,
    AdviceSource,
    OverrideStatus,
)
from sharing_log.models import (
    SharingDecision,
)
from sharing_log.selectors.decisions import override_status
from sharing_log.selectors.log import DecisionFilters, filtered, with_details

EXPORT_HEADER: tuple[str, ...] = (
    "Decision id",
    "Sequence",
    "Decided at",
    "Decision",
    "Legal basis",
    "Statutory gateway",
    "Request reference",
    "Child record id",
    "Child",
    "Organisation",
    "Decided by",
    "Requested by",
    "Requester's organisation",
    "Requester's role",
    "Identity confirmed",
    "Purpose",
    "Information level",
    "Information shared or withheld",
    "Recipients",
    "Method",
    "Channel",
    "Record kept at",
    "Golden Rule 6 checks",
    "Advice sought",
    "Reasons",
    "Override",
    "Override status",
    "Reconsider on",
    "Supersedes",
    "Content hash",
    "Chain hash",
)

EXPORT_CHUNK = 1000


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _export_row(decision: SharingDecision, zone) -> list:
    subject = decision.subject
    recipients = "; ".join(str(recipient) for recipient in decision.recipients.all())
    checks = "; ".join(
        f"{label.lower()}: {_yes_no(getattr(decision, name))}"
        for name, label in GOLDEN_RULE_6_CHECKS.items()
    )
    advice = ", ".join(AdviceSource(code).label for code in decision.advice_sought)
    return [
        str(decision.public_id),
        decision.sequence,
        timezone.localtime(decision.decided_at, zone).strftime("%Y-%m-%d %H:%M"),
        decision.get_outcome_display(),
        decision.get_basis_display(),
        decision.statutory_gateway.citation if decision.statutory_gateway else "",
        decision.request_reference,
        str(subject.public_id) if subject else "",
        f"{subject.forenames} {subject.surname}" if subject else "",
        decision.organisation.name,
        decision.decided_by.user.get_full_name() or decision.decided_by.user.email,
        decision.requested_by_name,
        decision.requested_by_organisation.name
        if decision.requested_by_organisation
        else decision.requested_by_organisation_name,
        decision.requested_by_role,
        decision.get_identity_check_display(),
        decision.purpose,
        decision.get_information_level_display(),
        decision.information_description,
        recipients,
        decision.get_method_display(),
        decision.get_channel_display(),
        decision.record_location,
        checks,
        advice,
        decision.reasons,
        decision.get_override_kind_display(),
        OverrideStatus(override_status(decision)).label,
        decision.reconsider_on,
        str(decision.supersedes_public_id or ""),
        decision.content_hash,
        decision.chain_hash,
    ]


def decision_export_rows(*, viewer: Membership, filters: DecisionFilters) -> Iterator[list]:
    """Every decision of a filtered log as CSV rows (EXPORT_HEADER), newest first, streamed in
    chunks: two queries per thousand rows, however long the log. The view records the export in
    the access audit and writes the rows with partners.security.csv.csv_response.

    The query is built here, inside the request's tenant; its rows are read as the response
    streams, after the view has returned."""
    decisions, condition, time_column = filtered(viewer, filters)
    rows = (
        with_details(decisions.filter(condition))
        .select_related("requested_by_organisation", "statutory_gateway")
        .order_by(f"-{time_column}", "-id")
    )
    return _export_rows(rows, tenant_zone(viewer.tenant))


def _export_rows(decisions: QuerySet, zone) -> Iterator[list]:
    seen_last: int | None = None
    for decision in decisions.iterator(chunk_size=EXPORT_CHUNK):
        if decision.pk == seen_last:
            continue  # The same decision through two recipients of the organisation.
        seen_last = decision.pk
        yield _export_row(decision, zone)
