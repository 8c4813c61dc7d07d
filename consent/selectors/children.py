"""Reads about children: the partnership's consent settings, finding a child, likely duplicates
and the team around the child."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from consent.access import (
    subjects_visible_to,
)
from consent.models import (
    DataSubject,
    TeamMember,
)
from consent.validators import (
    is_valid_nhs_number,
    is_valid_upn,
    normalise_nhs_number,
    normalise_upn,
)
from partners.models import Membership

# --- Settings ------------------------------------------------------------------------------------


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
    # Alphabetical whatever the case ("de Souza" beside "Dean"). An order no index gives also
    # keeps PostgreSQL from walking the partnership's children in name order, filtering each,
    # in the hope of an early match: for the IG officer a late name ("Simpson") read 99,000
    # children (130 ms), where the trigram indexes find the matches in a few milliseconds.
    return subjects.order_by(Lower("surname"), Lower("forenames"), "id")


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
