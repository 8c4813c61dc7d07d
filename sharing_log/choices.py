"""The vocabularies of the sharing decision log, as choice lists (data, not code paths).

Statutory gateways are not here: they are the shared `agreements.LegalBasis` reference rows of
kind "statute" (agreements/reference.py), kept current by migrations, so a change of law is a
change of data.
"""

from django.db import models


class Outcome(models.TextChoices):
    SHARE = "share", "Share"
    SHARE_IN_PART = "share_in_part", "Share in part"
    NOT_SHARE = "not_share", "Do not share"


SHARING_OUTCOMES = frozenset({Outcome.SHARE, Outcome.SHARE_IN_PART})


class Basis(models.TextChoices):
    """The legal basis a decision relies on (Haringey 4.4–4.5; HM Government information sharing
    advice 2024; Data (Use and Access) Act 2025)."""

    CONSENT = "consent", "Consent"
    STATUTORY_FUNCTION = "statutory_function", "Statutory function (a legal gateway)"
    SAFEGUARDING_INTEREST = (
        "safeguarding_interest",
        "Recognised legitimate interest: safeguarding (Data (Use and Access) Act 2025)",
    )
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    SIGNIFICANT_HARM = "significant_harm", "Risk of significant harm"
    URGENT_MEDICAL = "urgent_medical", "Urgent medical treatment"
    COURT_ORDER = "court_order", "Court order"
    POLICE_REQUEST = "police_request", "Police request (Section 29(3) form)"
    HOME_OFFICE_S129 = (
        "home_office_s129",
        "Home Office request (Nationality, Immigration and Asylum Act 2002 s129)",
    )
    PUBLIC_INTEREST = "public_interest", "Public interest"


# Bases under which an override is recorded and approved afterwards rather than waiting for a
# designated manager (Haringey 4.6): the need is too urgent to wait. A decision on another basis
# with `immediate_risk` set is treated the same way.
URGENT_BASES = frozenset({Basis.URGENT_MEDICAL})


class IdentityCheck(models.TextChoices):
    """How the identity of the person asking was confirmed before anything was shared (Kent SEND
    SOP: "Safe Haven requirements… confirmed the identity of the individual requesting")."""

    KNOWN_CONTACT = "known_contact", "An authorised contact known to me"
    CALL_BACK = "call_back", "Called back on a number from a trusted directory"
    SECURE_EMAIL = "secure_email", "Request from a verified secure email address"
    IN_PERSON = "in_person", "In person, with identification seen"
    WRITTEN_REQUEST = "written_request", "Signed written request on the organisation's letterhead"
    OTHER = "other", "Another way (described)"
    NOT_REQUESTED = "not_requested", "Nobody asked: we decided to share on our own initiative"


class AdviceSource(models.TextChoices):
    DSL = "dsl", "Designated safeguarding lead"
    DPO = "dpo", "Data protection officer"
    CALDICOTT = "caldicott", "Caldicott guardian"
    MANAGER = "manager", "Line manager or designated manager"
    LEGAL = "legal", "Legal services"


class OverrideKind(models.TextChoices):
    """Whether a decision overrides confidentiality (sharing detailed or sensitive information
    without consent, or against a refusal) and how it is approved (Haringey 4.6–4.7)."""

    NONE = "none", "Not an override"
    PRIOR = "prior", "Referred to a designated manager before sharing"
    RETROSPECTIVE = "retrospective", "Urgent: shared first, approved afterwards"


class OverrideStatus(models.TextChoices):
    """Derived from the decision's override kind and its approval row, if any."""

    NONE = "none", "Not an override"
    PENDING = "pending", "Waiting for a designated manager"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ApprovalOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


# The Golden Rule 6 checks: information shared is necessary, proportionate, relevant, adequate,
# accurate, timely and secure. Field name on SharingDecision → label.
GOLDEN_RULE_6_CHECKS: dict[str, str] = {
    "check_necessary": "Necessary",
    "check_proportionate": "Proportionate",
    "check_relevant": "Relevant",
    "check_adequate": "Adequate",
    "check_accurate": "Accurate",
    "check_timely": "Timely",
    "check_secure": "Secure",
}
