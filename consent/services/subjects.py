"""Opening and editing a child's record, and the team around the child."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from consent.access import sees_every_child, subject_is_visible_to, subject_sync_access
from consent.models import DataSubject, TeamMember
from consent.selectors import subject_possible_duplicates
from consent.services._common import (
    ConcurrentEdit,
    require,
    require_not_future,
    require_reason,
    require_visible,
    save,
    today,
)
from consent.validators import validate_age_in_scope
from partners.models import Membership, Organisation

SUBJECT_FIELDS = (
    "forenames",
    "surname",
    "aliases",
    "date_of_birth",
    "gender",
    "ethnicity",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "nhs_number",
    "upn",
    "current_setting",
    "sen_status",
)


class PossibleDuplicate(ValidationError):
    """The child may already have a record. `matches` are the existing records the creator may
    see (a page offers them instead); `hidden_match` says that a record with the same NHS number
    or UPN exists which the creator's organisation is not involved with (they ask the IG officer
    to add them to the team). The message names nobody."""

    def __init__(
        self,
        message: str,
        *,
        matches: list[DataSubject],
        same_identifier: bool,
        hidden_match: bool,
    ) -> None:
        super().__init__(message, code="possible_duplicate")
        self.matches = matches
        self.same_identifier = same_identifier
        self.hidden_match = hidden_match


def _assign(subject: DataSubject, fields: dict) -> None:
    for name, value in fields.items():
        if name not in SUBJECT_FIELDS:
            raise TypeError(f"{name} is not an editable field of a child's record")
        setattr(subject, name, "" if value is None and name != "current_setting" else value)
    subject.normalise()


def _check_age(subject: DataSubject, on: date) -> None:
    if subject.date_of_birth:
        validate_age_in_scope(
            date_of_birth=subject.date_of_birth,
            on=on,
            additional_needs=subject.has_additional_needs,
        )


def _check_duplicates(
    actor: Membership, subject: DataSubject, *, confirmed_different: bool
) -> None:
    found = subject_possible_duplicates(
        forenames=subject.forenames,
        surname=subject.surname,
        date_of_birth=subject.date_of_birth,
        nhs_number=subject.nhs_number,
        upn=subject.upn,
        aliases=subject.alias_list,
        exclude=subject if subject.pk else None,
    )
    # Need-to-know outranks duplicate detection: a record the creator may not see is never
    # shown, and one with only a similar name is not even mentioned.
    visible_by_id = [s for s in found.by_identifier if subject_is_visible_to(actor, s)]
    if found.by_identifier:
        raise PossibleDuplicate(
            "A child with this NHS number or Unique Pupil Number already has a record."
            + (
                ""
                if visible_by_id
                else " Your organisation is not involved with them: ask your IG officer to "
                "add it to the team around the child."
            ),
            matches=visible_by_id,
            same_identifier=True,
            hidden_match=not visible_by_id,
        )
    visible_by_name = [s for s in found.by_name_and_birth if subject_is_visible_to(actor, s)]
    if visible_by_name and not confirmed_different:
        raise PossibleDuplicate(
            "A child with a similar name and the same date of birth already has a record. "
            "Use that record, or confirm that this is a different child.",
            matches=visible_by_name,
            same_identifier=False,
            hidden_match=False,
        )


@transaction.atomic
def subject_create(
    *,
    actor: Membership,
    confirmed_different: bool = False,
    team_role: str = "",
    **fields,
) -> DataSubject:
    """Open a record for a child or young person (0–19, or to 25 with special educational
    needs).

    Refuses with `PossibleDuplicate` when the partnership already has a record with the same NHS
    number or UPN (always), or with a similar name and the same date of birth (unless the caller
    confirms it is a different child). A creator who does not see every child joins the team
    around the child, so that their organisation sees the record it just opened.
    """
    require(actor, "consent.record")
    subject = DataSubject(tenant=actor.tenant)
    _assign(subject, fields)
    subject.full_clean(validate_unique=False, validate_constraints=False)
    _check_age(subject, today())
    _check_duplicates(actor, subject, confirmed_different=confirmed_different)
    save(subject, actor)
    if not sees_every_child(actor):
        _add_member(
            actor=actor,
            subject=subject,
            organisation=actor.organisation,
            membership=actor,
            role=team_role.strip() or actor.user.job_title or actor.get_role_display(),
            started_on=today(),
        )
    subject_sync_access(subject=subject)
    return subject


@transaction.atomic
def subject_update(
    *, actor: Membership, subject: DataSubject, expected_version: int, **fields
) -> DataSubject:
    """Save an edit of the child's details, refusing it when the record changed since the editor
    loaded it. A change of current setting moves need-to-know access with it."""
    require(actor, "consent.record")
    require_visible(actor, subject)
    before = (subject.date_of_birth, subject.sen_status, subject.nhs_number, subject.upn)
    _assign(subject, fields)
    subject.full_clean(validate_unique=False, validate_constraints=False)
    if (subject.date_of_birth, subject.sen_status) != before[:2]:
        _check_age(subject, today())
    if (subject.nhs_number, subject.upn) != before[2:]:
        _check_duplicates(actor, subject, confirmed_different=True)
    claimed = DataSubject.objects.filter(pk=subject.pk, version=expected_version).update(
        version=expected_version + 1
    )
    if claimed != 1:
        raise ConcurrentEdit(
            "Someone else changed this child's record while you were editing it. Your changes "
            "have not been saved: reload the page to see theirs, then edit again."
        )
    subject.version = expected_version + 1
    save(subject, actor)
    subject_sync_access(subject=subject)
    return subject


# --- The team around the child -------------------------------------------------------------------


def _add_member(
    *,
    actor: Membership,
    subject: DataSubject,
    organisation: Organisation,
    role: str,
    membership: Membership | None = None,
    person_name: str = "",
    is_lead: bool = False,
    started_on: date,
) -> TeamMember:
    if is_lead:
        _clear_lead(actor, subject)
    member = TeamMember(
        tenant_id=subject.tenant_id,
        subject=subject,
        organisation=organisation,
        membership=membership,
        person_name=person_name.strip(),
        role=role.strip(),
        is_lead=is_lead,
        started_on=started_on,
        added_by=actor,
    )
    save(member, actor)
    return member


def _clear_lead(actor: Membership, subject: DataSubject) -> None:
    for current in TeamMember.objects.filter(subject=subject, is_lead=True, ended_on__isnull=True):
        current.is_lead = False
        save(current, actor)


@transaction.atomic
def team_member_add(
    *,
    actor: Membership,
    subject: DataSubject,
    organisation: Organisation,
    role: str,
    membership: Membership | None = None,
    person_name: str = "",
    is_lead: bool = False,
    started_on: date | None = None,
) -> TeamMember:
    """Add an organisation (and, where known, a person) to the team around the child; it is
    granted the child's record at once. As lead professional, it takes over from the current
    lead."""
    require(actor, "consent.record")
    require_visible(actor, subject)
    started_on = started_on or today()
    require_not_future(started_on, "started_on")
    if organisation.tenant_id != subject.tenant_id or not organisation.is_active:
        raise ValidationError({"organisation": "Choose an organisation of this partnership."})
    if not role.strip():
        raise ValidationError({"role": "Say what their role is for this child."})
    if membership is None and not person_name.strip() and is_lead:
        raise ValidationError({"person_name": "Name the lead professional."})
    member = _add_member(
        actor=actor,
        subject=subject,
        organisation=organisation,
        membership=membership,
        person_name=person_name,
        role=role,
        is_lead=is_lead,
        started_on=started_on,
    )
    subject_sync_access(subject=subject)
    return member


@transaction.atomic
def team_member_end(
    *, actor: Membership, member: TeamMember, reason: str, ended_on: date | None = None
) -> TeamMember:
    """Take someone off the team around the child (the row stays, with its dates). Their
    organisation loses the child's record unless it is involved in another way."""
    require(actor, "consent.record")
    require_visible(actor, member.subject)
    reason = require_reason(reason)
    ended_on = ended_on or today()
    require_not_future(ended_on, "ended_on")
    if ended_on < member.started_on:
        raise ValidationError({"ended_on": "They cannot leave before they joined."})
    claimed = TeamMember.objects.filter(pk=member.pk, ended_on__isnull=True).update(
        ended_on=ended_on
    )
    if claimed != 1:
        raise ValidationError("They have already left the team.")
    member.ended_on = ended_on
    member.ended_by = actor
    member.end_reason = reason
    save(member, actor)
    subject_sync_access(subject=member.subject)
    return member


@transaction.atomic
def team_set_lead(*, actor: Membership, member: TeamMember) -> TeamMember:
    """Make a current team member the lead professional (the previous lead stays in the team)."""
    require(actor, "consent.record")
    require_visible(actor, member.subject)
    if not member.is_current:
        raise ValidationError("Only a current member of the team can be the lead professional.")
    if member.membership_id is None and not member.person_name:
        raise ValidationError({"person_name": "Name the lead professional first."})
    if not member.is_lead:
        _clear_lead(actor, member.subject)
        member.is_lead = True
        save(member, actor)
    return member
