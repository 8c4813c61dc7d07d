"""The shape of a demo agreement, and the wording the demo agreements share."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SignatorySpec:
    organisation: str  # A key of the demo partnership's organisations.
    signer_name: str
    signer_title: str
    signed_months_ago: int
    withdrawn_months_ago: int | None = None
    withdrawal_reason: str = ""


@dataclass(frozen=True)
class AgreementSpec:
    title: str
    kind: str
    owner: str
    approved_months_ago: int
    summary: str = ""
    reference: str = ""
    parent: str | None = None
    owner_name: str = ""
    owner_job_title: str = ""
    prose: dict[str, str] = field(default_factory=dict)
    settings: dict[str, int] = field(default_factory=dict)
    purposes: tuple[tuple[str, str], ...] = ()
    data_items: tuple[tuple[str, str, bool, bool], ...] = ()
    data_subjects: tuple[str, ...] = ()
    legal_bases: tuple[tuple[str, str], ...] = ()
    methods: tuple[tuple[str, str], ...] = ()
    channels: tuple[tuple[str, str], ...] = ()
    shared_systems: tuple[tuple[str, str], ...] = ()
    exclusions: tuple[tuple[str, str], ...] = ()
    terms: tuple[tuple[str, str, str], ...] = ()
    consent_scopes: tuple[tuple[str, str], ...] = ()
    signatories: tuple[SignatorySpec, ...] = ()
    # Set on an agreement that a newer one replaced; its signatories transfer to that one.
    superseded_by: str | None = None
    superseded_months_ago: int | None = None


def prose(contact: str, **overrides: str) -> dict[str, str]:
    """The ICO headings written as prose, with the common wording of the demo partnerships."""
    text = {
        "parties_and_roles": (
            "Each partner is a separate controller for the personal data it holds and for what "
            "it shares; no partner processes data on another's behalf under this agreement."
        ),
        "transparency": (
            "Each partner's privacy notice names the partners it may share with and why, and "
            "practitioners are open with families from the outset (Golden Rule 2)."
        ),
        "individual_rights": (
            "A request to see, correct or object is handled by the partner that holds the "
            "record, which tells the others of any correction."
        ),
        "contact_point": contact,
        "data_quality": (
            "Information shared is accurate and up to date; a partner that finds shared "
            "information inaccurate tells every recipient, who update their records at once."
        ),
        "retention": (
            "Each partner keeps what it receives under its own retention and disposal schedule "
            "and returns or destroys records when that schedule says."
        ),
        "security": (
            "Information moves by secure email or access-controlled systems, meeting the Safe "
            "Haven requirements; the requester's identity is confirmed before sharing."
        ),
        "breach_arrangements": (
            "Each partner resolves incidents while information is in its custody and tells the "
            "partner that supplied it; breaches of this agreement are reported to all partners."
        ),
        "training": (
            "Everyone who shares receives information governance training, refreshed annually."
        ),
        "termination": (
            "A partner that leaves stops receiving information at once and keeps what it holds "
            "only under its retention schedule; the agreement survives for the others."
        ),
    }
    text.update(overrides)
    return text


PUBLIC_TASK = ("uk-gdpr-6-1-e", "Partners share to perform their statutory functions.")
SUBSTANTIAL = ("uk-gdpr-9-2-g", "With the Schedule 1 conditions cited below.")
STATUTORY_PURPOSES = ("dpa-2018-sch1-p2-6", "")
SAFEGUARDING = ("dpa-2018-sch1-p2-18", "Where consent would prejudice a child's protection.")
HEALTH_CARE = ("uk-gdpr-9-2-h", "Health and care professionals sharing for a child's care.")
