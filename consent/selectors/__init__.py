"""Reads about children and consent. Every list and search starts from `subjects_visible_to`, so
need-to-know holds everywhere; `consent_check` is the one answer to "may I rely on consent?".

`children` finds children and their teams; `records` reads consent records, the age rules' flags
and subject access requests; `check` answers the consent check.
"""

from consent.access import subject_get_for, subjects_visible_to
from consent.selectors._common import consent_settings
from consent.selectors.check import (
    CHECK_ORDER,
    CHECK_PREFETCH,
    CheckWarning,
    ConsentCheck,
    consent_check,
    consent_state_on,
    consents_preload_for_check,
)
from consent.selectors.children import (
    PossibleDuplicates,
    lead_professional,
    names_are_similar,
    subject_find,
    subject_possible_duplicates,
    subject_search,
    team_current,
)
from consent.selectors.records import (
    CARD_FIELDS,
    access_requests_for,
    consent_cards_for,
    consent_form_agreements,
    consent_get_for,
    consent_timeline,
    consents_due_for_review,
    consents_for_review_at_twelve,
    consents_for_subject,
    consents_needing_young_person_renewal,
    due_review_at_twelve,
    needs_young_person_renewal,
)

__all__ = [
    "CARD_FIELDS",
    "CHECK_ORDER",
    "CHECK_PREFETCH",
    "CheckWarning",
    "ConsentCheck",
    "PossibleDuplicates",
    "access_requests_for",
    "consent_cards_for",
    "consent_check",
    "consent_form_agreements",
    "consent_get_for",
    "consent_settings",
    "consent_state_on",
    "consent_timeline",
    "consents_due_for_review",
    "consents_for_review_at_twelve",
    "consents_for_subject",
    "consents_needing_young_person_renewal",
    "consents_preload_for_check",
    "due_review_at_twelve",
    "lead_professional",
    "names_are_similar",
    "needs_young_person_renewal",
    "subject_find",
    "subject_get_for",
    "subject_possible_duplicates",
    "subject_search",
    "subjects_visible_to",
    "team_current",
]
