"""Reads of consent records: a child's consents, the consent forms to offer, one record, the
records the age rules flag, and subject access requests."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear
from django.db.models.lookups import GreaterThanOrEqual
from django.http import Http404

from agreements.choices import SignatoryStatus
from agreements.models import IN_FORCE_STATUSES, Agreement, Signatory
from agreements.selectors import agreements_visible_to
from consent.access import (
    child_visible_to,
    subject_is_visible_to,
    subjects_visible_to,
)
from consent.ages import (
    AGE_OF_REVIEW,
    birthday,
    end_of_compulsory_school_age,
    latest_birth_date_past_compulsory_school_age,
)
from consent.choices import (
    ConsentStatus,
    GiverKind,
)
from consent.models import (
    ConsentEvent,
    ConsentPurpose,
    ConsentRecipient,
    ConsentRecord,
    ConsentThirdParty,
    DataSubject,
    SubjectAccessRequest,
)
from consent.selectors._common import _today, consent_settings
from partners.models import Membership, Organisation
from partners.raw_reads import column, placeholders, prefetched, quote, read, rows_in

# --- Consent records -----------------------------------------------------------------------------


def _with_details(consents: QuerySet[ConsentRecord]) -> QuerySet[ConsentRecord]:
    return consents.select_related("subject", "agreement", "recorded_by__user").prefetch_related(
        "purposes",
        "recipient_links__organisation",
        "third_parties",
        Prefetch("events", queryset=ConsentEvent.objects.select_related("recorded_by__user")),
    )


def consents_for_subject(*, viewer: Membership, subject: DataSubject) -> QuerySet[ConsentRecord]:
    """The child's consent records, newest first, with their purposes, recipients and
    timelines (a constant number of queries however many there are)."""
    if not subject_is_visible_to(viewer, subject):
        return ConsentRecord.objects.none()
    return _with_details(ConsentRecord.objects.filter(subject=subject))


# What the child's record page shows of each consent, and what its flags read.
CARD_FIELDS = (
    "public_id",
    "subject_id",
    "decision",
    "status",
    "given_on",
    "review_due",
    "giver_kind",
    "giver_name",
    "giver_relationship",
    "giver_relationship_other",
    "parent_decides_because",
)


def consent_cards_for(*, viewer: Membership, subject: DataSubject) -> list[ConsentRecord]:
    """The child's consent records as their record page shows them, newest first: only the
    columns it writes, with the purposes, the recipients' names, the third parties and the
    timeline, as `prefetch_related` would leave them (five statements however many).

    Each is one statement through a raw cursor (partners.raw_reads): through the ORM, the five
    querysets and the related managers prefetching makes for each consent were over a third of
    the page's time (docs/performance.md, (b))."""
    if not subject_is_visible_to(viewer, subject):
        return []
    consents = rows_in(ConsentRecord, CARD_FIELDS, "subject", [subject.pk], ("-given_on", "-id"))
    if not consents:
        return []
    keys = [consent.pk for consent in consents]
    related = {
        "purposes": rows_in(ConsentPurpose, ("consent", "description"), "consent", keys),
        "recipient_links": _recipient_links(keys),
        "third_parties": rows_in(ConsentThirdParty, ("consent", "name"), "consent", keys),
        "events": rows_in(
            ConsentEvent, ("consent", "on", "kind"), "consent", keys, ("on", "at", "id")
        ),
    }
    for consent in consents:
        consent.subject = subject
    for name, rows in related.items():
        of_consent: dict[int, list] = {key: [] for key in keys}
        for row in rows:
            of_consent[row.consent_id].append(row)
        for consent in consents:
            prefetched(consent, name, of_consent[consent.pk])
    return consents


@cache
def _links_read() -> tuple[str, tuple]:
    """The consents' recipient links with their organisation's name, one statement."""
    link, organisation = ConsentRecipient, Organisation
    columns = tuple(
        (name, column(model, field, alias), model._meta.get_field(field))
        for name, model, field, alias in (
            ("id", link, "id", "t"),
            ("consent_id", link, "consent", "t"),
            ("organisation_id", link, "organisation", "t"),
            ("name", organisation, "name", "o"),
        )
    )
    sql = (
        f"SELECT {', '.join(sql for _, sql, _ in columns)} "  # noqa: S608
        f"FROM {quote(link._meta.db_table)} t JOIN {quote(organisation._meta.db_table)} o "
        f"ON {column(organisation, 'id', 'o')} = {column(link, 'organisation', 't')} "
        f"WHERE {column(link, 'consent', 't')} IN ({{}}) ORDER BY {column(link, 'id', 't')}"
    )
    return sql, columns


def _recipient_links(keys: list[int]) -> list[ConsentRecipient]:
    """The consents' recipient links, each with its organisation (its name only)."""
    sql, columns = _links_read()
    rows = read(sql.format(placeholders(len(keys))), columns, keys)
    organisation = ConsentRecipient._meta.get_field("organisation")
    attnames = ["id", "consent_id", "organisation_id"]
    links = []
    for key, consent, organisation_id, name in rows:
        link = ConsentRecipient.from_db(connection.alias, attnames, [key, consent, organisation_id])
        named = Organisation.from_db(connection.alias, ["id", "name"], [organisation_id, name])
        organisation.set_cached_value(link, named)
        links.append(link)
    return links


def consent_form_agreements(*, viewer: Membership) -> QuerySet[Agreement]:
    """The agreements a child's record offers consent forms for: in force, with consent
    scopes, and signed by the viewer's organisation, the one asking for consent. A partnership
    has hundreds of agreements; an organisation signs a few, and may only share under those."""
    signed = Signatory.objects.filter(
        organisation_id=viewer.organisation_id, status=SignatoryStatus.SIGNED
    ).values("agreement_id")
    return (
        agreements_visible_to(viewer)
        .filter(status__in=IN_FORCE_STATUSES, pk__in=signed, consent_scopes__isnull=False)
        .distinct()
        .only("public_id", "title")
        .order_by("title")
    )


def consent_get_for(membership: Membership, public_id: UUID | str) -> ConsentRecord:
    """A consent record of a child the member may see; anything else is Http404."""
    visible = subjects_visible_to(membership).values("pk")
    try:
        consent = _with_details(ConsentRecord.objects.filter(subject__in=visible)).get(
            public_id=public_id
        )
    except (ConsentRecord.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such consent record.") from None
    if consent.tenant_id != membership.tenant_id:
        raise Http404("No such consent record.")
    return consent


def consent_timeline(*, consent: ConsentRecord) -> list[ConsentEvent]:
    return list(consent.events.all())


# --- Age rules -----------------------------------------------------------------------------------


def needs_young_person_renewal(consent: ConsentRecord, on: date) -> bool:
    """A parent's consent given before the child reached the end of compulsory school age, once
    they have: the rights have passed to the young person (Children and Families Act 2014)."""
    if consent.giver_kind != GiverKind.PARENT or not consent.is_given:
        return False
    if consent.parent_decides_because:
        return False  # Recorded as deciding for a young person who cannot (capacity).
    handover = end_of_compulsory_school_age(consent.subject.date_of_birth)
    return consent.given_on < handover <= on


def due_review_at_twelve(consent: ConsentRecord, on: date) -> bool:
    if consent.giver_kind != GiverKind.PARENT or not consent.is_given:
        return False
    twelfth = birthday(consent.subject.date_of_birth, AGE_OF_REVIEW)
    return consent.given_on < twelfth <= on


# What the lists of standing consents show of each and what the age rules test: a consent has
# thirty columns, its child twenty, its recorder's user eleven, and a page read and made values
# of all of them for the few it writes (docs/performance.md, (h)). Any other field is still
# there, read when first asked for.
LISTED_FIELDS = (
    "public_id",
    "decision",
    "giver_kind",
    "giver_name",
    "giver_relationship",
    "giver_relationship_other",
    "parent_decides_because",
    "given_on",
    "review_due",
    "subject__public_id",
    "subject__forenames",
    "subject__surname",
    "subject__date_of_birth",
    "recorded_by__user__full_name",
)


def _standing(viewer: Membership) -> QuerySet[ConsentRecord]:
    """Consents that stand: given, not withdrawn, replaced or past their last day (even before
    the expiry job has recorded that it passed), with what the lists show of them."""
    return (
        ConsentRecord.objects.filter(
            child_visible_to(viewer, "subject_id", listing=True), status=ConsentStatus.GIVEN
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=_today()))
        .select_related("subject", "recorded_by__user")
        .only(*LISTED_FIELDS)
    )


def consents_due_for_review(
    *,
    viewer: Membership,
    on: date | None = None,
    within: timedelta = timedelta(days=30),
    recorded_by_viewer: bool = False,
) -> QuerySet[ConsentRecord]:
    """Standing consents of children the viewer may see whose review is due within `within`
    (or overdue), soonest first, with the child's current setting: the SENCo's list (Golden
    Rule 2)."""
    on = on or _today()
    consents = (
        _standing(viewer)
        .filter(review_due__lte=on + within)
        .select_related("subject__current_setting")
        .only(*LISTED_FIELDS, "subject__current_setting__name")
    )
    if recorded_by_viewer:
        consents = consents.filter(recorded_by=viewer)
    return consents.order_by("review_due", "id")


# A parent's consent can only be flagged by the age rules below if it was given before the child
# reached the age the rule is about, so the queries keep only those, as closely as SQL says it
# simply; the exact test, in Python, decides. At a partnership's scale this leaves a page's
# worth of consents to test instead of several thousand (docs/performance.md, (h)).
# Consents read at a time when only the first `limit` that pass the exact test are wanted.
CHUNK = 100


def _summer(field: str, *, from_month: int):
    """The year of the summer on or before which the date in `field` falls, a year counting
    from `from_month` (September: the school year; July: the year after a school year ends)."""
    return ExtractYear(field) + Case(
        When(**{f"{field}__month__gte": from_month}, then=Value(1)), default=Value(0)
    )


def _given_before_schooling_ends() -> Q:
    """Given before 1 July of the summer in which the child's compulsory schooling ends (the
    last Friday of June of the school year in which they turn 16): a week's margin."""
    leaving = _summer("subject__date_of_birth", from_month=9) + 16
    return Q(GreaterThanOrEqual(leaving, _summer("given_on", from_month=7)))


def _given_before_twelve() -> Q:
    """Given in or before the year of the twelfth birthday."""
    return Q(
        GreaterThanOrEqual(ExtractYear("subject__date_of_birth") + 12, ExtractYear("given_on"))
    )


def _youngest_first(consents: QuerySet[ConsentRecord], viewer: Membership) -> QuerySet:
    """Those who reached the age most recently first, so a page is read walking the
    partnership's children by date of birth from the age's cut-off (the subject_dob index) and
    stops when it is full. The children's partnership is named for the index only: the
    consents are the partnership's already."""
    return consents.filter(subject__tenant_id=viewer.tenant_id).order_by(
        "-subject__date_of_birth", "-given_on", "-id"
    )


def _passing(consents: QuerySet[ConsentRecord], test, limit: int | None) -> list[ConsentRecord]:
    """The consents, in their order, that pass `test`: all of them, or the first `limit`,
    read a chunk at a time so that a page does not load every candidate."""
    if limit is None:
        return [consent for consent in consents if test(consent)]
    found: list[ConsentRecord] = []
    start = 0
    while len(found) < limit:
        chunk = list(consents[start : start + CHUNK])
        found += [consent for consent in chunk if test(consent)]
        if len(chunk) < CHUNK:
            break
        start += CHUNK
    return found[:limit]


def consents_needing_young_person_renewal(
    *, viewer: Membership, on: date | None = None, limit: int | None = None
) -> list[ConsentRecord]:
    """Standing consents given by a parent for children who have since reached the end of
    compulsory school age, those who reached it most recently first (the first `limit` of them
    if given)."""
    on = on or _today()
    consents = _standing(viewer).filter(
        _given_before_schooling_ends(),
        giver_kind=GiverKind.PARENT,
        subject__date_of_birth__lte=latest_birth_date_past_compulsory_school_age(on),
        parent_decides_because="",
    )
    return _passing(
        _youngest_first(consents, viewer),
        lambda consent: needs_young_person_renewal(consent, on),
        limit,
    )


def consents_for_review_at_twelve(
    *, viewer: Membership, on: date | None = None, limit: int | None = None
) -> list[ConsentRecord]:
    """Standing consents given by a parent before the child turned 12, when the partnership
    reviews consent at 12 (ConsentSettings.review_at_twelve); those who turned 12 most recently
    first, the first `limit` if given."""
    on = on or _today()
    if not consent_settings().review_at_twelve:
        return []
    # Born at least 12 years ago (a day's margin for 29 February; the test below is exact).
    born_by = on - relativedelta(years=AGE_OF_REVIEW) + timedelta(days=1)
    consents = _standing(viewer).filter(
        _given_before_twelve(),
        giver_kind=GiverKind.PARENT,
        subject__date_of_birth__lte=born_by,
    )
    return _passing(
        _youngest_first(consents, viewer), lambda consent: due_review_at_twelve(consent, on), limit
    )


# --- Subject access requests ---------------------------------------------------------------------


def access_requests_for(
    *, viewer: Membership, subject: DataSubject
) -> QuerySet[SubjectAccessRequest]:
    if not subject_is_visible_to(viewer, subject):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(subject=subject).select_related("recorded_by__user")
