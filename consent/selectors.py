"""Reads about children and consent. Every list and search starts from `subjects_visible_to`, so
need-to-know holds everywhere; `consent_check` is the one answer to "may I rely on consent?".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from agreements.choices import SignatoryStatus
from agreements.models import IN_FORCE_STATUSES, Agreement, ConsentScope, Signatory
from agreements.selectors import agreements_visible_to
from consent.access import (
    subject_get_for,
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
    CheckReason,
    ConsentStatus,
    Decision,
    EventKind,
    GiverKind,
    SpecialCategory,
)
from consent.models import (
    ConsentEvent,
    ConsentRecord,
    ConsentSettings,
    DataSubject,
    SubjectAccessRequest,
    TeamMember,
)
from consent.validators import (
    is_valid_nhs_number,
    is_valid_upn,
    normalise_nhs_number,
    normalise_upn,
)
from partners.models import Membership, Organisation

__all__ = [
    "ConsentCheck",
    "access_requests_for",
    "consent_check",
    "consent_get_for",
    "consent_settings",
    "consent_state_on",
    "consent_timeline",
    "consents_due_for_review",
    "consents_for_review_at_twelve",
    "consents_for_subject",
    "consents_needing_young_person_renewal",
    "lead_professional",
    "subject_find",
    "subject_get_for",
    "subject_possible_duplicates",
    "subject_search",
    "subjects_visible_to",
    "team_current",
]


def _today() -> date:
    return timezone.localdate()


def _long_date(value: date) -> str:
    return date_format(value, "j F Y")


# --- Settings ------------------------------------------------------------------------------------


def consent_settings() -> ConsentSettings:
    """The active partnership's consent settings (the defaults, unsaved, if it has none)."""
    return ConsentSettings.objects.first() or ConsentSettings(review_months=12)


# --- Finding a child -----------------------------------------------------------------------------


def subject_search(
    *,
    viewer: Membership,
    name: str = "",
    date_of_birth: date | None = None,
    nhs_number: str = "",
    upn: str = "",
) -> QuerySet[DataSubject]:
    """Children the viewer may see matching every criterion given: each word of `name` in their
    first names, last name or other names; the exact date of birth, NHS number or UPN. With no
    criterion, nothing (a search is never a way to list every child)."""
    subjects = subjects_visible_to(viewer).select_related("current_setting")
    if not (name.strip() or date_of_birth or nhs_number.strip() or upn.strip()):
        return subjects.none()
    for word in name.split():
        subjects = subjects.filter(
            Q(forenames__icontains=word) | Q(surname__icontains=word) | Q(aliases__icontains=word)
        )
    if date_of_birth:
        subjects = subjects.filter(date_of_birth=date_of_birth)
    if nhs_number.strip():
        subjects = subjects.filter(nhs_number=normalise_nhs_number(nhs_number))
    if upn.strip():
        subjects = subjects.filter(upn=normalise_upn(upn))
    return subjects


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %m %Y")


def _parse_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def subject_find(*, viewer: Membership, text: str) -> QuerySet[DataSubject]:
    """One search box: an NHS number, a UPN, a date of birth (31/12/2015), or a name, optionally
    followed or preceded by a date of birth ("Ava 31/12/2015")."""
    text = " ".join((text or "").split())
    if not text:
        return subjects_visible_to(viewer).none()
    compact = re.sub(r"[\s-]", "", text)
    if re.fullmatch(r"\d{10}", compact) and is_valid_nhs_number(compact):
        return subject_search(viewer=viewer, nhs_number=compact)
    if is_valid_upn(compact):
        return subject_search(viewer=viewer, upn=compact)
    whole = _parse_date(text)
    if whole:
        return subject_search(viewer=viewer, date_of_birth=whole)
    words, born = [], None
    for word in text.split(" "):
        parsed = _parse_date(word)
        if parsed and born is None:
            born = parsed
        else:
            words.append(word)
    return subject_search(viewer=viewer, name=" ".join(words), date_of_birth=born)


# --- Duplicates ----------------------------------------------------------------------------------


def _letters(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(c for c in decomposed if c.isalpha() or c.isspace()).casefold().strip()


def _similar_word(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    # "Sam" and "Samuel", "Kate" and "Katherine" are not caught; "Alex" and "Alexander" are.
    if len(a) >= 3 and len(b) >= 3 and (a.startswith(b) or b.startswith(a)):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def _similar_part(a: str, b: str) -> bool:
    """Two first-name or last-name parts are similar when any of their words are (a
    double-barrelled name, a middle name used as the first)."""
    words_a, words_b = _letters(a).replace("-", " ").split(), _letters(b).replace("-", " ").split()
    return any(_similar_word(x, y) for x in words_a for y in words_b)


def _names(subject_forenames: str, subject_surname: str, aliases: Iterable[str]) -> list[tuple]:
    names = [(subject_forenames, subject_surname)]
    for alias in aliases:
        parts = alias.split()
        if len(parts) >= 2:
            names.append((" ".join(parts[:-1]), parts[-1]))
    return names


def names_are_similar(a: tuple[str, str, Sequence[str]], b: tuple[str, str, Sequence[str]]) -> bool:
    """(forenames, surname, aliases) of two children: similar when some name of one is similar
    to some name of the other in both first and last name."""
    return any(
        _similar_part(f1, f2) and _similar_part(s1, s2)
        for f1, s1 in _names(*a)
        for f2, s2 in _names(*b)
    )


@dataclass(frozen=True)
class PossibleDuplicates:
    """Records in the partnership that may be the same child (regardless of who may see them)."""

    by_identifier: list[DataSubject] = field(default_factory=list)
    by_name_and_birth: list[DataSubject] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.by_identifier or self.by_name_and_birth)


def subject_possible_duplicates(
    *,
    forenames: str,
    surname: str,
    date_of_birth: date,
    nhs_number: str = "",
    upn: str = "",
    aliases: Sequence[str] = (),
    exclude: DataSubject | None = None,
) -> PossibleDuplicates:
    """The same NHS number or UPN in the partnership, or a similar name with the same date of
    birth. Read across the whole partnership: the service decides what the creator may be
    shown."""
    candidates = DataSubject.objects.all()
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    identifiers = Q(pk__in=[])
    if normalise_nhs_number(nhs_number):
        identifiers |= Q(nhs_number=normalise_nhs_number(nhs_number))
    if normalise_upn(upn):
        identifiers |= Q(upn=normalise_upn(upn))
    by_identifier = list(candidates.filter(identifiers))
    wanted = (forenames, surname, aliases)
    by_name = [
        subject
        for subject in candidates.filter(date_of_birth=date_of_birth)
        if subject not in by_identifier
        and names_are_similar(wanted, (subject.forenames, subject.surname, subject.alias_list))
    ]
    return PossibleDuplicates(by_identifier=by_identifier, by_name_and_birth=by_name)


# --- The team around the child -------------------------------------------------------------------


def team_current(*, subject: DataSubject) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(subject=subject, ended_on__isnull=True).select_related(
        "organisation", "membership__user"
    )


def lead_professional(*, subject: DataSubject) -> TeamMember | None:
    return team_current(subject=subject).filter(is_lead=True).first()


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
    return set(categories) & set(SpecialCategory.values)


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
CHECK_PREFETCH = ("purposes", "recipient_links", "third_parties", "events")
CHECK_ORDER = ("-given_on", "-created_at", "-id")
# Where consents_preload_for_check leaves a child's records on the child's instance.
_PRELOADED = "_consents_for_check"


def _records_for_check(subject: DataSubject, on: date) -> list[ConsentRecord]:
    preloaded = getattr(subject, _PRELOADED, None)
    if preloaded is not None:
        return [record for record in preloaded if record.given_on <= on]
    # Read through the child, each record's `subject` is this one, not read again.
    return list(
        subject.consents.filter(given_on__lte=on)
        .prefetch_related(*CHECK_PREFETCH)
        .order_by(*CHECK_ORDER)
    )


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
        message=f"Consent given on {_long_date(relied_on.given_on)} covers this sharing.",
        consent=relied_on,
        warnings=tuple(_warnings(relied_on, on)),
    )


def _reason_for(record: ConsentRecord, on: date) -> ConsentCheck:
    state = consent_state_on(record, on)
    if state == ConsentStatus.REFUSED or record.decision == Decision.REFUSED:
        return _refused(
            CheckReason.REFUSED, f"Consent was refused on {_long_date(record.given_on)}.", record
        )
    stopped = _stopped_on(record)
    when = f" on {_long_date(stopped)}" if stopped else ""
    if state == ConsentStatus.WITHDRAWN:
        return _refused(CheckReason.WITHDRAWN, f"Consent was withdrawn{when}.", record)
    return _refused(CheckReason.EXPIRED, f"Consent expired{when}.", record)


def _warnings(consent: ConsentRecord, on: date):
    if consent.review_due and consent.review_due <= on:
        yield (
            CheckWarning.REVIEW_OVERDUE,
            f"The consent was due for review on {_long_date(consent.review_due)}.",
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


def _standing(viewer: Membership) -> QuerySet[ConsentRecord]:
    """Consents that stand: given, not withdrawn, replaced or past their last day (even before
    the expiry job has recorded that it passed)."""
    visible = subjects_visible_to(viewer).values("pk")
    return (
        ConsentRecord.objects.filter(subject__in=visible, status=ConsentStatus.GIVEN)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=_today()))
        .select_related("subject", "recorded_by__user")
    )


def consents_due_for_review(
    *,
    viewer: Membership,
    on: date | None = None,
    within: timedelta = timedelta(days=30),
    recorded_by_viewer: bool = False,
) -> QuerySet[ConsentRecord]:
    """Standing consents of children the viewer may see whose review is due within `within`
    (or overdue), soonest first: the SENCo's list (Golden Rule 2)."""
    on = on or _today()
    consents = _standing(viewer).filter(review_due__lte=on + within)
    if recorded_by_viewer:
        consents = consents.filter(recorded_by=viewer)
    return consents.order_by("review_due", "id")


def consents_needing_young_person_renewal(
    *, viewer: Membership, on: date | None = None
) -> list[ConsentRecord]:
    """Standing consents given by a parent for children who have since reached the end of
    compulsory school age."""
    on = on or _today()
    consents = _standing(viewer).filter(
        giver_kind=GiverKind.PARENT,
        subject__date_of_birth__lte=latest_birth_date_past_compulsory_school_age(on),
        parent_decides_because="",
    )
    return [consent for consent in consents if needs_young_person_renewal(consent, on)]


def consents_for_review_at_twelve(
    *, viewer: Membership, on: date | None = None
) -> list[ConsentRecord]:
    """Standing consents given by a parent before the child turned 12, when the partnership
    reviews consent at 12 (ConsentSettings.review_at_twelve)."""
    on = on or _today()
    if not consent_settings().review_at_twelve:
        return []
    # Born at least 12 years ago (a day's margin for 29 February; the test below is exact).
    born_by = on - relativedelta(years=AGE_OF_REVIEW) + timedelta(days=1)
    consents = _standing(viewer).filter(
        giver_kind=GiverKind.PARENT, subject__date_of_birth__lte=born_by
    )
    return [consent for consent in consents if due_review_at_twelve(consent, on)]


# --- Subject access requests ---------------------------------------------------------------------


def access_requests_for(
    *, viewer: Membership, subject: DataSubject
) -> QuerySet[SubjectAccessRequest]:
    if not subject_is_visible_to(viewer, subject):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(subject=subject).select_related("recorded_by__user")
