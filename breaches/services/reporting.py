"""Reporting a breach of protocol, editing its details, and closing or withdrawing it.

Reporting copies the agreement's deadline rules and the partnership's bank-holiday region onto
the breach, computes every milestone from the day it was identified (breaches/deadlines.py),
lists the partner organisations to be told, opens the 72-hour ICO assessment when personal data
is involved, and tells the people who must act, all in one transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from agreements.choices import SignatoryStatus
from agreements.models import Agreement, Signatory
from agreements.selectors import agreements_visible_to
from breaches.choices import MILESTONE_ORDER, BreachStatus, MilestoneKind
from breaches.deadlines import BreachRules, ico_assessment_due_at, milestone_due_dates
from breaches.models import BreachReport, IcoAssessment, Milestone, PartnerNotification
from breaches.services._common import (
    claim_version,
    long_date,
    not_before,
    not_in_future,
    now,
    require,
    require_open,
    require_party,
    require_text,
    same_partnership,
    save,
    tell,
)
from partners.models import Membership, Organisation
from partners.reminders import local_date, tenant_zone
from partners.roles import can

K = MilestoneKind

PERSONAL_DATA_FIELDS = ("personal_data_categories", "special_category_data", "people_affected")
EDITABLE_FIELDS = (
    "title",
    "description",
    "containment",
    "occurred_on",
    "personal_data_involved",
    *PERSONAL_DATA_FIELDS,
)


def breach_link(breach: BreachReport) -> str:
    return f"/breaches/{breach.public_id}/"


def _responsible(breach: BreachReport, kind: str) -> int:
    """Whose step each milestone is: the reporter tells the partners (6.1), the organisation in
    breach distributes its report (6.2), and the agreement's owner convenes the partners'
    meeting and circulates its minutes (6.3, 6.6)."""
    return {
        K.PARTNERS_NOTIFIED: breach.reporting_organisation_id,
        K.REPORT_DISTRIBUTED: breach.organisation_in_breach_id,
        K.MEETING_HELD: breach.agreement.owner_organisation_id,
        K.MINUTES_CIRCULATED: breach.agreement.owner_organisation_id,
    }[kind]


def organisations_to_tell(breach: BreachReport) -> set[int]:
    """Every organisation signed up to the agreement now, other than the one that reported the
    breach (6.1: "report … to the other partner organisations"), and any other organisation
    already listed on the breach."""
    signed = set(
        Signatory.objects.filter(
            agreement_id=breach.agreement_id, status=SignatoryStatus.SIGNED
        ).values_list("organisation_id", flat=True)
    )
    listed = set(
        PartnerNotification.objects.filter(breach=breach).values_list("organisation_id", flat=True)
    )
    return (signed - {breach.reporting_organisation_id}) | listed


@transaction.atomic
def breach_report(
    *,
    actor: Membership,
    agreement: Agreement,
    title: str,
    reporting_organisation: Organisation,
    organisation_in_breach: Organisation,
    identified_at: datetime,
    description: str,
    occurred_on: date | None = None,
    containment: str = "",
    personal_data_involved: bool = False,
    personal_data_categories: str = "",
    special_category_data: bool = False,
    people_affected: int | None = None,
    aware_at: datetime | None = None,
) -> BreachReport:
    """Report a breach of `agreement`. A manager reports for their own organisation; the IG
    officer for any. `aware_at` is when the organisation became aware that personal data was
    involved, if later than `identified_at` (the 72-hour clock starts there)."""
    require(actor, "breaches.report")
    if not can(actor, "breaches.manage") and actor.organisation_id != reporting_organisation.pk:
        raise PermissionDenied("You can report a breach only for your own organisation.")
    tenant = actor.tenant
    if not agreements_visible_to(actor).filter(pk=agreement.pk).exists():
        raise PermissionDenied("You cannot see this agreement.")
    if agreement.document_version < 1:
        raise ValidationError(
            "A breach is reported under an agreement that has been approved; this one never was."
        )
    same_partnership(
        tenant.pk,
        reporting_organisation=reporting_organisation,
        organisation_in_breach=organisation_in_breach,
    )
    errors: dict[str, str] = {}
    if not Signatory.objects.filter(
        agreement=agreement, organisation=organisation_in_breach, signed_on__isnull=False
    ).exists():
        errors["organisation_in_breach"] = (
            f"{organisation_in_breach} has not signed this agreement, so cannot be in breach of it."
        )
    try:
        not_in_future(identified_at, "identified_at", tenant)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    identified_on = local_date(identified_at, tenant)
    if occurred_on is not None and occurred_on > identified_on:
        raise ValidationError(
            {"occurred_on": "A breach cannot have occurred after it was identified."}
        )
    rules = BreachRules.of_agreement(agreement, region=tenant.bank_holiday_region)
    breach = BreachReport(
        tenant=tenant,
        agreement=agreement,
        title=require_text(title, "title", "Give the breach a short description."),
        reporting_organisation=reporting_organisation,
        organisation_in_breach=organisation_in_breach,
        reported_by=actor,
        reported_at=now(),
        identified_at=identified_at,
        identified_on=identified_on,
        occurred_on=occurred_on,
        description=require_text(description, "description", "Describe what happened."),
        containment=(containment or "").strip(),
        region=rules.region,
        notify_days=rules.notify_days,
        report_days=rules.report_days,
        meeting_days=rules.meeting_days,
        minutes_days=rules.minutes_days,
        indemnity_response_days=rules.indemnity_response_days,
    )
    _set_personal_data(
        breach,
        involved=personal_data_involved,
        categories=personal_data_categories,
        special=special_category_data,
        people=people_affected,
    )
    save(actor, breach)

    due = milestone_due_dates(rules, identified_on)
    for position, kind in enumerate(MILESTONE_ORDER):
        milestone = Milestone(
            tenant=tenant,
            breach=breach,
            kind=kind,
            position=position,
            responsible_organisation_id=_responsible(breach, kind),
            working_days=rules.working_days(kind),
            counted_from=identified_on if due[kind] else None,
            due_on=due[kind],
        )
        save(actor, milestone)
    for organisation_id in sorted(organisations_to_tell(breach)):
        save(
            actor,
            PartnerNotification(tenant=tenant, breach=breach, organisation_id=organisation_id),
        )
    if personal_data_involved:
        _open_assessment(actor, breach, aware_at or identified_at)

    when = long_date(identified_on)
    for organisation_id, reason in (
        (
            organisation_in_breach.pk,
            f"You are a manager of {organisation_in_breach}, reported to be in breach.",
        ),
        (
            agreement.owner_organisation_id,
            f"You are a manager of {agreement.owner_organisation}, which owns the agreement "
            "and convenes the partners' meeting.",
        ),
    ):
        tell(
            organisation_id=organisation_id,
            title=f"Breach of protocol reported: {agreement.title}",
            body=(
                f"{reporting_organisation} reported a breach of {agreement.title} by "
                f"{organisation_in_breach}, identified on {when}. The partners are to be told "
                f"by {long_date(due[K.PARTNERS_NOTIFIED])}, the report distributed by "
                f"{long_date(due[K.REPORT_DISTRIBUTED])} and the partners' meeting held by "
                f"{long_date(due[K.MEETING_HELD])}."
            ),
            link=breach_link(breach),
            dedup_key=f"breach:{breach.public_id}:reported",
            reason=reason,
            exclude=actor,
            officers_too=True,
        )
    return breach


def _set_personal_data(
    breach: BreachReport, *, involved: bool, categories: str, special: bool, people: int | None
) -> None:
    breach.personal_data_involved = bool(involved)
    if involved:
        breach.personal_data_categories = require_text(
            categories,
            "personal_data_categories",
            "Say what kinds of personal data were involved.",
        )
        breach.special_category_data = bool(special)
        breach.people_affected = people
    elif (categories or "").strip() or special or people is not None:
        raise ValidationError(
            {"personal_data_involved": "Personal data details need personal data to be involved."}
        )
    else:
        breach.personal_data_categories, breach.special_category_data = "", False
        breach.people_affected = None


def _open_assessment(actor: Membership | None, breach: BreachReport, aware_at: datetime):
    if aware_at < breach.identified_at:
        raise ValidationError(
            {"aware_at": "Awareness of personal data cannot come before the breach was identified."}
        )
    not_in_future(aware_at, "aware_at", breach.tenant)
    assessment = IcoAssessment(
        tenant_id=breach.tenant_id,
        breach=breach,
        aware_at=aware_at,
        due_at=ico_assessment_due_at(aware_at),
    )
    save(actor, assessment)
    tell(
        organisation_id=breach.organisation_in_breach_id,
        title="Personal data breach: decide within 72 hours whether to report it to the ICO",
        body=(
            f"A breach of {breach.agreement.title} by {breach.organisation_in_breach} involves "
            "personal data. Decide whether it must be reported to the ICO, and whether the "
            "people affected must be told, by "
            f"{_clock(assessment.due_at, breach.tenant)} (72 hours after becoming aware)."
        ),
        link=breach_link(breach),
        dedup_key=f"breach:{breach.public_id}:ico-opened",
        reason=f"You are a manager of {breach.organisation_in_breach}, reported to be in breach.",
        officers_too=True,
    )
    return assessment


def _clock(moment: datetime, tenant) -> str:
    local = moment.astimezone(tenant_zone(tenant))
    return f"{local:%H:%M} on {long_date(local.date())}"


@transaction.atomic
def breach_update(
    *,
    actor: Membership,
    breach: BreachReport,
    expected_version: int,
    aware_at: datetime | None = None,
    **fields,
) -> BreachReport:
    """Edit what is known of a breach. The dates its deadlines count from cannot change (report
    it again, and withdraw this one, if it was identified on another day). Once personal data is
    found to be involved the 72-hour assessment opens, from `aware_at` (default now)."""
    require_party(actor, breach.reporting_organisation_id, breach.organisation_in_breach_id)
    require_open(breach)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable breach fields: {', '.join(sorted(unknown))}")
    had_personal_data = breach.personal_data_involved
    for name in ("title", "description"):
        if name in fields:
            setattr(breach, name, require_text(fields[name], name, "This cannot be empty."))
    if "containment" in fields:
        breach.containment = (fields["containment"] or "").strip()
    if "occurred_on" in fields:
        breach.occurred_on = fields["occurred_on"]
        if breach.occurred_on and breach.occurred_on > breach.identified_on:
            raise ValidationError(
                {"occurred_on": "A breach cannot have occurred after it was identified."}
            )
    if any(name in fields for name in ("personal_data_involved", *PERSONAL_DATA_FIELDS)):
        involved = fields.get("personal_data_involved", breach.personal_data_involved)
        if had_personal_data and not involved:
            raise ValidationError(
                {
                    "personal_data_involved": "The ICO assessment is open; record its decision "
                    "(not reportable, with reasons) rather than removing the personal data."
                }
            )
        _set_personal_data(
            breach,
            involved=involved,
            categories=fields.get("personal_data_categories", breach.personal_data_categories),
            special=fields.get("special_category_data", breach.special_category_data),
            people=fields.get("people_affected", breach.people_affected),
        )
    claim_version(breach, expected_version)
    save(actor, breach)
    if breach.personal_data_involved and not had_personal_data:
        _open_assessment(actor, breach, aware_at or now())
    return breach


def _finish(actor: Membership, breach: BreachReport, status: str, reason: str) -> BreachReport:
    closed_at = now()
    claimed = BreachReport.objects.filter(pk=breach.pk, status=BreachStatus.OPEN).update(
        status=status, closed_at=closed_at, closed_by=actor, closure_reason=reason
    )
    if claimed != 1:
        raise ValidationError("This breach has just been closed by someone else.")
    breach.status, breach.closed_at, breach.closed_by = status, closed_at, actor
    breach.closure_reason = reason
    # Saved again through save() so that the change has its history row.
    save(actor, breach)
    return breach


@transaction.atomic
def breach_close(*, actor: Membership, breach: BreachReport, reason: str) -> BreachReport:
    """Close a breach whose every milestone is done and whose ICO assessment (if any) is
    complete. Agreed actions may still be under way; they stay on record with their owners."""
    require(actor, "breaches.manage")
    require_open(breach)
    reason = require_text(reason, "reason", "Say why the breach can be closed.")
    waiting = [
        m.get_kind_display().lower()
        for m in breach.milestones.filter(done_on__isnull=True).order_by("position")
    ]
    if waiting:
        raise ValidationError(f"Still to be done: {'; '.join(waiting)}.")
    if IcoAssessment.objects.filter(breach=breach, completed_at__isnull=True).exists():
        raise ValidationError("Complete the ICO assessment first.")
    return _finish(actor, breach, BreachStatus.CLOSED, reason)


@transaction.atomic
def breach_withdraw(*, actor: Membership, breach: BreachReport, reason: str) -> BreachReport:
    """It was not a breach after all: kept on record with the reason; reminders stop."""
    require_party(actor, breach.reporting_organisation_id)
    require_open(breach)
    reason = require_text(reason, "reason", "Say why this was not a breach.")
    return _finish(actor, breach, BreachStatus.WITHDRAWN, reason)


def ensure_on_or_after_identified(breach: BreachReport, day: date, field: str) -> None:
    not_before(day, breach.identified_on, field, "the day the breach was identified")
