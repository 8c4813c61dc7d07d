"""The personal data breach assessment (UK GDPR Articles 33–34): within 72 hours of becoming
aware, the organisation in breach (the controller) decides whether the breach must be reported
to the ICO, with its reasons, and whether the people affected must be told; a reportable breach
is reported, with the ICO's reference, and reasons for any delay past 72 hours.

The assessment is complete when it is decided not reportable, or when it has been reported;
until then its deadline is reminded and escalated (breaches/reminders.py).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from breaches.models import IcoAssessment
from breaches.services._common import (
    not_in_future,
    now,
    require_open,
    require_party,
    require_text,
    save,
)
from partners.models import Membership
from partners.reminders import local_date


def _require_acts(actor: Membership, assessment: IcoAssessment) -> None:
    breach = assessment.breach
    require_party(actor, breach.organisation_in_breach_id, breach.reporting_organisation_id)
    require_open(breach)


@transaction.atomic
def ico_assessment_decide(
    *,
    actor: Membership,
    assessment: IcoAssessment,
    must_report: bool,
    reasons: str,
    tell_people: bool,
    tell_people_reasons: str = "",
) -> IcoAssessment:
    """Record the decision. Not reportable completes the assessment; reportable leaves the
    report to the ICO due by the same deadline. A decision can be revised until it is complete."""
    _require_acts(actor, assessment)
    if assessment.completed_at is not None:
        raise ValidationError("This assessment is complete; it can no longer be changed.")
    reasons = require_text(
        reasons, "reasons", "Give the reasons, so that the record explains the decision."
    )
    tell_people_reasons = (tell_people_reasons or "").strip()
    if tell_people and not tell_people_reasons:
        raise ValidationError(
            {"tell_people_reasons": "Say why the people affected must be told (high risk)."}
        )
    assessment.must_report, assessment.reasons = bool(must_report), reasons
    assessment.tell_people = bool(tell_people)
    assessment.tell_people_reasons = tell_people_reasons
    assessment.decided_at = now()
    assessment.decided_by = actor
    if not must_report:
        assessment.completed_at = assessment.decided_at
    save(actor, assessment)
    return assessment


@transaction.atomic
def ico_assessment_reported(
    *,
    actor: Membership,
    assessment: IcoAssessment,
    reported_at: datetime,
    ico_reference: str,
    delay_reasons: str = "",
) -> IcoAssessment:
    """The breach was reported to the ICO; after 72 hours the reasons for the delay are
    required (Article 33(1))."""
    _require_acts(actor, assessment)
    if assessment.must_report is not True:
        raise ValidationError("Decide that the breach must be reported before recording it.")
    if assessment.reported_at is not None:
        raise ValidationError("The report to the ICO has already been recorded.")
    not_in_future(reported_at, "reported_at", assessment.breach.tenant)
    if reported_at < assessment.aware_at:
        raise ValidationError({"reported_at": "It cannot be reported before becoming aware."})
    delay_reasons = (delay_reasons or "").strip()
    if reported_at > assessment.due_at and not delay_reasons:
        raise ValidationError(
            {"delay_reasons": "It was reported after 72 hours: give the reasons for the delay."}
        )
    ico_reference = require_text(
        ico_reference, "ico_reference", "Enter the reference the ICO gave."
    )
    assessment.reported_at = reported_at
    assessment.ico_reference = ico_reference
    assessment.delay_reasons = delay_reasons
    assessment.completed_at = now()
    save(actor, assessment)
    return assessment


@transaction.atomic
def ico_assessment_people_told(
    *, actor: Membership, assessment: IcoAssessment, told_on: date
) -> IcoAssessment:
    """The people affected were told (Article 34), when the assessment said they must be."""
    breach = assessment.breach
    require_party(actor, breach.organisation_in_breach_id, breach.reporting_organisation_id)
    if assessment.tell_people is not True:
        raise ValidationError("The assessment did not decide that the people must be told.")
    not_in_future(told_on, "told_on", breach.tenant)
    if told_on < local_date(assessment.aware_at, breach.tenant):
        raise ValidationError({"told_on": "This cannot be before becoming aware of the breach."})
    assessment.people_told_on = told_on
    save(actor, assessment)
    return assessment
