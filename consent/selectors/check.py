"""`consent_check`, the one answer to "may I rely on consent?": for this child, this purpose,
this recipient and these data categories, on this day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.db import connection
from django.db.models import prefetch_related_objects

from agreements.models import ConsentScope
from consent.choices import (
    SPECIAL_CATEGORY_VALUES,
    CheckReason,
    ConsentStatus,
    Decision,
    EventKind,
    SpecialCategory,
)
from consent.models import (
    ConsentPurpose,
    ConsentRecord,
    DataSubject,
)
from consent.selectors._common import _today, consent_settings
from consent.selectors.records import due_review_at_twelve, needs_young_person_renewal
from partners.models import Organisation
from partners.raw_reads import column, instance, model_columns, prefetched, quote, read
from partners.reminders import long_date


def consent_state_on(consent: ConsentRecord, on: date) -> ConsentStatus:
    """What the consent was on a day, from its timeline and dates (so a decision logged today
    about a share last month is checked against the consent as it stood then)."""
    if consent.decision == Decision.REFUSED:
        return ConsentStatus.REFUSED
    for event in consent.events.all():
        if event.on > on:
            continue
        if event.kind == EventKind.WITHDRAWN:
            return ConsentStatus.WITHDRAWN
        if event.kind in (EventKind.EXPIRED, EventKind.REPLACED):
            return ConsentStatus.EXPIRED
    if consent.valid_until and consent.valid_until < on:
        return ConsentStatus.EXPIRED
    return ConsentStatus.GIVEN


def _stopped_on(consent: ConsentRecord) -> date | None:
    for event in consent.events.all():
        if event.kind in (EventKind.WITHDRAWN, EventKind.EXPIRED, EventKind.REPLACED):
            return event.on
    if consent.valid_until:
        return consent.valid_until + timedelta(days=1)
    return None


def _covers_scope(consent: ConsentRecord, scope: ConsentScope | str) -> bool:
    for purpose in consent.purposes.all():
        if isinstance(scope, ConsentScope):
            if purpose.scope_id == scope.pk:
                return True
            if purpose.scope_id is None and purpose.description.casefold() == scope.name.casefold():
                return True
        elif purpose.description.casefold() == scope.strip().casefold():
            return True
    return False


def _covers_recipient(consent: ConsentRecord, recipient: Organisation | str) -> bool:
    if isinstance(recipient, Organisation):
        return any(link.organisation_id == recipient.pk for link in consent.recipient_links.all())
    name = recipient.strip().casefold()
    return any(party.name.casefold() == name for party in consent.third_parties.all())


def _refusal_applies(consent: ConsentRecord, recipient: Organisation | str) -> bool:
    """A refusal that names no recipient refuses sharing with anyone."""
    if not consent.recipient_links.all() and not consent.third_parties.all():
        return True
    return _covers_recipient(consent, recipient)


def _special(categories: Iterable[str]) -> set[str]:
    return set(categories) & SPECIAL_CATEGORY_VALUES


def _covers_categories(consent: ConsentRecord, categories: set[str]) -> bool:
    if not categories:
        return True
    return consent.explicit_special_category and categories <= set(consent.special_categories)


class CheckWarning:
    REVIEW_OVERDUE = "review_overdue"
    YOUNG_PERSON_DECIDES = "young_person_decides"
    REVIEW_AT_TWELVE = "review_at_twelve"


@dataclass(frozen=True)
class ConsentCheck:
    """The answer of `consent_check`. `consent` is the record relied on when `ok`; otherwise the
    record the reason is about, if there is one. `warnings` are (code, message) pairs that do not
    stop sharing (a review is overdue, the young person now decides)."""

    ok: bool
    reason: CheckReason | None
    message: str
    consent: ConsentRecord | None = None
    warnings: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return self.ok


def _refused(reason: CheckReason, message: str, consent=None) -> ConsentCheck:
    return ConsentCheck(ok=False, reason=reason, message=message, consent=consent)


# What consent_check reads of each record: its purposes, recipients, third parties and timeline
# (not who recorded it, nor the recipients' organisations: their ids are enough), newest first.
# The purposes first: only the records covering the purpose need the rest.
SCOPE_PREFETCH = ("purposes",)
COVERING_PREFETCH = ("recipient_links", "third_parties", "events")
CHECK_PREFETCH = (*SCOPE_PREFETCH, *COVERING_PREFETCH)
CHECK_ORDER = ("-given_on", "-created_at", "-id")
# Where consents_preload_for_check leaves a child's records on the child's instance.
_PRELOADED = "_consents_for_check"


@cache
def _records_read() -> tuple[str, tuple, int]:
    """A child's consent records given by a day, newest first (CHECK_ORDER), each with its
    purposes (by id, their order) joined, a purpose a row."""
    columns = model_columns(ConsentRecord, "r") + model_columns(ConsentPurpose, "p")
    key, tenant, subject, given_on, created_at = (
        column(ConsentRecord, name, "r")
        for name in ("id", "tenant", "subject", "given_on", "created_at")
    )
    of_record, purpose_tenant, purpose_key = (
        column(ConsentPurpose, name, "p") for name in ("consent", "tenant", "id")
    )
    sql = (
        f"SELECT {', '.join(sql for _, sql, _ in columns)} "  # noqa: S608
        f"FROM {quote(ConsentRecord._meta.db_table)} r "
        f"LEFT JOIN {quote(ConsentPurpose._meta.db_table)} p "
        f"ON {of_record} = {key} AND {purpose_tenant} = {tenant} "
        f"WHERE {tenant} = %s AND {subject} = %s AND {given_on} <= %s "
        f"ORDER BY {given_on} DESC, {created_at} DESC, {key} DESC, {purpose_key}"
    )
    return sql, columns, len(ConsentRecord._meta.concrete_fields)


def _records_for_check(subject: DataSubject, on: date) -> list[ConsentRecord]:
    """The child's records given by `on`, newest first, with their purposes, as
    `subject.consents.filter(given_on__lte=on).prefetch_related("purposes")` reads them. Every
    decision to share about a child asks this, so it is one statement through a raw cursor
    (partners.raw_reads): the ORM's two queries cost 1.7 ms of CPU, most of it building and
    compiling them (docs/performance.md, (c))."""
    preloaded = getattr(subject, _PRELOADED, None)
    if preloaded is not None:
        return [record for record in preloaded if record.given_on <= on]
    sql, columns, width = _records_read()
    day = connection.ops.adapt_datefield_value(on)
    rows = read(sql, columns, [subject.tenant_id, subject.pk, day])
    records: dict[int, tuple[ConsentRecord, list]] = {}
    for row in rows:
        found = records.get(row[0])
        if found is None:
            record = instance(ConsentRecord, row[:width])
            record.subject = subject
            found = records[row[0]] = (record, [])
        if row[width] is not None:
            found[1].append(instance(ConsentPurpose, row[width:]))
    for record, purposes in records.values():
        prefetched(record, "purposes", purposes)
    return [record for record, _ in records.values()]


def consents_preload_for_check(subjects: Iterable[DataSubject | None]) -> None:
    """Read what consent_check reads of these children's consent records for all of them at
    once: five queries, where each check would take five (a batch of decisions checks consent
    for each). The records stay on the children's instances for the rest of the request."""
    children = [subject for subject in subjects if subject is not None]
    by_child: dict[int, list[ConsentRecord]] = {subject.pk: [] for subject in children}
    records = (
        ConsentRecord.objects.filter(subject_id__in=by_child)
        .prefetch_related(*CHECK_PREFETCH)
        .order_by(*CHECK_ORDER)
    )
    for record in records:
        by_child[record.subject_id].append(record)
    for subject in children:
        for record in by_child[subject.pk]:
            record.subject = subject
        setattr(subject, _PRELOADED, by_child[subject.pk])


def consent_check(
    *,
    subject: DataSubject,
    scope: ConsentScope | str,
    recipient: Organisation | str,
    data_categories: Iterable[str] = (),
    on: date | None = None,
) -> ConsentCheck:
    """Is there current consent for this child, for this purpose (a consent scope of an
    agreement, or a purpose in words), to share with this organisation (or named third party),
    covering these data categories, on this day (today by default)?

    Consents recorded up to that day are read newest first. A refusal refuses sharing with the
    recipients it names (with anyone, if it names none) until a newer consent is given; a
    consent that was withdrawn, expired or replaced by that day does not count. Special category
    data (the SpecialCategory values among `data_categories`) needs explicit consent to each
    category. The reasons, when there is no consent to rely on: none recorded at all; none
    covering the purpose; the newest covering it was refused, withdrawn or has expired; the
    standing consents do not name the recipient; or do not explicitly cover the special
    categories. Messages never name the child.
    """
    on = on or _today()
    special = _special(data_categories)
    records = _records_for_check(subject, on)
    if not records:
        return _refused(CheckReason.NONE, "No consent has been recorded for this child.")
    covering = [record for record in records if _covers_scope(record, scope)]
    if not covering:
        return _refused(
            CheckReason.SCOPE_NOT_COVERED,
            "No consent recorded for this child covers this purpose.",
        )
    # What the rest of the check reads, for these records only (already there when preloaded):
    # three queries a share not on consent, most often covered by none, need not make.
    prefetch_related_objects(covering, *COVERING_PREFETCH)
    relevant = [r for r in covering if r.is_given or _refusal_applies(r, recipient)]
    if not relevant:
        return _refused(
            CheckReason.RECIPIENT_NOT_COVERED,
            "No consent for this purpose allows sharing with this recipient.",
        )
    standing = []
    for record in relevant:
        if not record.is_given:
            break  # A refusal: what was given before it no longer stands.
        if consent_state_on(record, on) == ConsentStatus.GIVEN:
            standing.append(record)
    if not standing:
        return _reason_for(relevant[0], on)
    to_recipient = [record for record in standing if _covers_recipient(record, recipient)]
    if not to_recipient:
        return _refused(
            CheckReason.RECIPIENT_NOT_COVERED,
            "The consent for this purpose does not allow sharing with this recipient.",
            standing[0],
        )
    explicit = [record for record in to_recipient if _covers_categories(record, special)]
    if not explicit:
        return _refused(
            CheckReason.SPECIAL_CATEGORY_NOT_EXPLICIT,
            "The consent does not explicitly cover this special category data: "
            + ", ".join(sorted(SpecialCategory(c).label.lower() for c in special))
            + ".",
            to_recipient[0],
        )
    relied_on = explicit[0]
    return ConsentCheck(
        ok=True,
        reason=None,
        message=f"Consent given on {long_date(relied_on.given_on)} covers this sharing.",
        consent=relied_on,
        warnings=tuple(_warnings(relied_on, on)),
    )


def _reason_for(record: ConsentRecord, on: date) -> ConsentCheck:
    state = consent_state_on(record, on)
    if state == ConsentStatus.REFUSED or record.decision == Decision.REFUSED:
        return _refused(
            CheckReason.REFUSED, f"Consent was refused on {long_date(record.given_on)}.", record
        )
    stopped = _stopped_on(record)
    when = f" on {long_date(stopped)}" if stopped else ""
    if state == ConsentStatus.WITHDRAWN:
        return _refused(CheckReason.WITHDRAWN, f"Consent was withdrawn{when}.", record)
    return _refused(CheckReason.EXPIRED, f"Consent expired{when}.", record)


def _warnings(consent: ConsentRecord, on: date):
    if consent.review_due and consent.review_due <= on:
        yield (
            CheckWarning.REVIEW_OVERDUE,
            f"The consent was due for review on {long_date(consent.review_due)}.",
        )
    if needs_young_person_renewal(consent, on):
        yield (
            CheckWarning.YOUNG_PERSON_DECIDES,
            "The young person is past compulsory school age: they now decide, so ask them to "
            "renew this consent given by a parent.",
        )
    # The partnership's setting is read only for a consent it could apply to.
    elif due_review_at_twelve(consent, on) and consent_settings().review_at_twelve:
        yield (
            CheckWarning.REVIEW_AT_TWELVE,
            "The child has turned 12 since a parent gave this consent: check the child's view.",
        )
