"""Completeness against the ICO data sharing code's headings for an agreement.

The agreement page shows each heading as complete or missing (and what is missing); approval is
refused while a required heading is missing. One query, however much content there is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from agreements.choices import IcoHeading, LegalBasisKind
from agreements.models import (
    Agreement,
    AgreementLegalBasis,
    DataItem,
    DataSubjectCategory,
    Purpose,
)

K = LegalBasisKind
H = IcoHeading


@dataclass(frozen=True)
class HeadingStatus:
    heading: IcoHeading
    required: bool
    missing: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.heading.label

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Completeness:
    headings: tuple[HeadingStatus, ...]

    @property
    def missing_required(self) -> tuple[HeadingStatus, ...]:
        return tuple(h for h in self.headings if h.required and not h.complete)

    @property
    def is_complete(self) -> bool:
        return not self.missing_required


def _exists(model, **conditions):
    # The base manager: the agreement in hand fixes the tenant, so none need be active.
    return Exists(model._base_manager.filter(agreement=OuterRef("pk"), **conditions))


def _cites(*kinds: str):
    return _exists(AgreementLegalBasis, basis__kind__in=kinds)


# Prose headings: (field, what to say when it is empty).
RIGHTS_FIELDS = (
    ("transparency", "how people are told their information is shared"),
    ("individual_rights", "how individuals' rights requests are handled"),
    ("contact_point", "a point of contact for access requests and complaints"),
)
GOVERNANCE_FIELDS = (
    ("data_quality", "data quality"),
    ("retention", "retention and deletion"),
    ("security", "security"),
    ("breach_arrangements", "breaches"),
    ("training", "training"),
    ("termination", "termination"),
)


PROSE_FIELDS = (
    *(field for field, _ in (*RIGHTS_FIELDS, *GOVERNANCE_FIELDS)),
    "parties_and_roles",
    "further_details",
)


def agreement_completeness(agreement: Agreement) -> Completeness:
    """The headings as saved (not as an unsaved copy in hand says), in one query."""
    facts = (
        Agreement._base_manager.filter(pk=agreement.pk)
        .annotate(
            has_purpose=_exists(Purpose),
            has_items=_exists(DataItem),
            has_subjects=_exists(DataSubjectCategory),
            has_special=_exists(DataItem, special_category=True),
            has_criminal=_exists(DataItem, criminal_offence=True),
            cites_article_6=_cites(K.ARTICLE_6),
            cites_power=_cites(K.STATUTE, K.COMMON_LAW),
            cites_article_9=_cites(K.ARTICLE_9),
            cites_schedule_1=_cites(K.SCHEDULE_1),
        )
        .values(
            *PROSE_FIELDS,
            "has_purpose",
            "has_items",
            "has_subjects",
            "has_special",
            "has_criminal",
            "cites_article_6",
            "cites_power",
            "cites_article_9",
            "cites_schedule_1",
        )
        .get()
    )

    def empty(*pairs: tuple[str, str]) -> list[str]:
        return [f"Describe {words}." for field, words in pairs if not facts[field].strip()]

    def unless(condition: bool, message: str) -> list[str]:
        return [] if condition else [message]

    headings = (
        HeadingStatus(
            H.PURPOSE, True, tuple(unless(facts["has_purpose"], "List at least one purpose."))
        ),
        HeadingStatus(
            H.ORGANISATIONS,
            True,
            tuple(empty(("parties_and_roles", "the organisations involved and their roles"))),
        ),
        HeadingStatus(
            H.DATA_ITEMS,
            True,
            tuple(
                unless(facts["has_items"], "List the data items to be shared.")
                + unless(facts["has_subjects"], "Say whose information is shared.")
            ),
        ),
        HeadingStatus(
            H.LAWFUL_BASIS,
            True,
            tuple(
                unless(facts["cites_article_6"], "Cite a UK GDPR Article 6 lawful basis.")
                + unless(facts["cites_power"], "Cite the statute or other legal power relied on.")
            ),
        ),
        HeadingStatus(
            H.SPECIAL_CATEGORY,
            True,
            tuple(
                unless(
                    not facts["has_special"] or facts["cites_article_9"],
                    "Special category data is listed: cite an Article 9 condition.",
                )
                + unless(
                    not facts["has_criminal"] or facts["cites_schedule_1"],
                    "Criminal offence data is listed: cite a DPA 2018 Schedule 1 condition.",
                )
            ),
        ),
        HeadingStatus(H.RIGHTS, True, tuple(empty(*RIGHTS_FIELDS))),
        HeadingStatus(H.GOVERNANCE, True, tuple(empty(*GOVERNANCE_FIELDS))),
        HeadingStatus(
            H.FURTHER_DETAILS,
            False,
            tuple(empty(("further_details", "anything further partners need to know"))),
        ),
    )
    return Completeness(headings=headings)
