"""The agreements' reminder sources, registered in `AgreementsConfig.ready()` with the one
reminder sweep (notifications.services.reminders_sweep), which keeps the ledger and sends each
reminder once.

- "agreements.reviews": an agreement in force is due for review in 30 days and in 7 days, then
  overdue (the day after its review date), told to the partnership's IG officers, who run
  reviews (Haringey 5.1); and an agreement flagged for review because one above it changed. The
  warnings ahead are not sent once its review has been opened; the overdue notice is, until the
  review is completed (which moves the review date, and so makes the next reminders new ones).
- "agreements.consultations": a change consultation closing in 3 days, told to the managers of
  each signatory organisation that has not responded; and, after the deadline, closed by the
  non-response rule (Bucks §1: silence counts as agreement, recorded through the agreements
  service, which is safe to run again) and the IG officers told to decide the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from agreements.choices import ConsultationStatus
from agreements.models import IN_FORCE_STATUSES, Agreement, ChangeConsultation, Review
from agreements.selectors import consultation_tally
from agreements.services import consultations_close_due
from notifications.reminders import DueReminder, register_reminder_source
from partners.models import Tenant
from partners.reminders import ig_officers, local_date, long_date, managers_of, reminder_at

REVIEW_WARNINGS = ((30, "due_30"), (7, "due_7"))
CONSULTATION_CLOSING = timedelta(days=3)
_OFFICER = "You are an IG officer of the partnership, who runs its agreements' reviews."


def _agreement_link(agreement: Agreement) -> str:
    return f"/agreements/{agreement.public_id}/"


def review_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    today = local_date(until, tenant)
    officers = ig_officers()
    if not officers:
        return
    horizon = today + timedelta(days=REVIEW_WARNINGS[0][0])
    agreements = Agreement.objects.filter(status__in=IN_FORCE_STATUSES).filter(
        next_review_date__lte=horizon
    )
    opened = set(
        Review.objects.filter(agreement__in=agreements, completed_on__isnull=True).values_list(
            "agreement_id", flat=True
        )
    )
    for agreement in agreements:
        review_on = agreement.next_review_date
        stages = [
            (reminder_at(review_on - timedelta(days=days), tenant), kind, f"in {days} days")
            for days, kind in REVIEW_WARNINGS
        ]
        overdue_at = reminder_at(review_on + timedelta(days=1), tenant)
        if overdue_at <= until:
            # Overdue overtakes the warnings: a late first sweep sends the current notice only.
            wanted = [(overdue_at, "overdue", "overdue")]
        elif agreement.pk in opened:
            wanted = []
        else:
            reached = [stage for stage in stages if stage[0] <= until]
            wanted = reached[-1:]
        for due_at, kind, when in wanted:
            yield DueReminder(
                object_id=agreement.public_id,
                kind=kind,
                due_at=due_at,
                recipients=officers,
                title=(
                    f"Review overdue: {agreement.title}"
                    if kind == "overdue"
                    else f"Review due {when}: {agreement.title}"
                ),
                body=(
                    f"{agreement.title} is due for review on {long_date(review_on)}"
                    + (" and the review has not been completed." if kind == "overdue" else ".")
                    + " Partners review the agreement six months after it starts and every year "
                    "after that."
                ),
                link=_agreement_link(agreement),
                reason=_OFFICER,
            )
    for agreement in Agreement.objects.filter(
        status__in=IN_FORCE_STATUSES, review_flagged_at__isnull=False, review_flagged_at__lte=until
    ):
        yield DueReminder(
            object_id=agreement.public_id,
            kind="flagged",
            due_at=agreement.review_flagged_at,
            recipients=officers,
            title=f"Review needed: {agreement.title}",
            body=(
                f"{agreement.title} needs reviewing against a change to an agreement it sits "
                "underneath."
            ),
            link=_agreement_link(agreement),
            reason=_OFFICER,
        )


def consultation_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    today = local_date(until, tenant)
    # Past its deadline, a consultation's silent signatories are recorded as agreeing. The
    # service claims each response with a conditional update, so sweeps that overlap or repeat
    # record each once; it runs before the reminders so that they report the closed tally.
    consultations_close_due(on=today)
    consultations = ChangeConsultation.objects.filter(
        status=ConsultationStatus.OPEN, respond_by__lte=today + CONSULTATION_CLOSING
    ).select_related("agreement")
    officers: list | None = None
    for consultation in consultations:
        agreement = consultation.agreement
        deadline = long_date(consultation.respond_by)
        closed_at = reminder_at(consultation.respond_by + timedelta(days=1), tenant)
        if closed_at <= until:
            officers = ig_officers() if officers is None else officers
            if not officers:
                continue
            tally = consultation_tally(consultation=consultation, on=today)
            yield DueReminder(
                object_id=consultation.public_id,
                kind="closed",
                due_at=closed_at,
                recipients=officers,
                title=f"Consultation closed: decide the change to {agreement.title}",
                body=(
                    f"Responses to the proposed change to {agreement.title} closed on "
                    f"{deadline}: {tally.agree} agree ({tally.taken_as_agreement} of them by not "
                    f"responding), {tally.object} object and {tally.comment} commented. Approve "
                    "or drop the change, with reasons."
                ),
                link=_agreement_link(agreement),
                reason="You are an IG officer of the partnership, who decides proposed changes.",
            )
            continue
        closing_at = reminder_at(consultation.respond_by - CONSULTATION_CLOSING, tenant)
        if closing_at > until:
            continue
        for response in consultation.responses.filter(reply="").select_related("organisation"):
            managers = managers_of(response.organisation_id)
            if not managers:
                continue
            yield DueReminder(
                # One reminder per silent organisation: the response is what is awaited.
                object_id=response.public_id,
                kind="closing",
                due_at=closing_at,
                recipients=managers,
                title=f"Respond by {deadline}: proposed change to {agreement.title}",
                body=(
                    f"{response.organisation.name} has not responded to the proposed change to "
                    f"{agreement.title}. Responses close on {deadline}; no response by then "
                    "counts as agreement."
                ),
                link=_agreement_link(agreement),
                reason=f"You are a manager of {response.organisation.name}, a signatory.",
            )


def register() -> None:
    register_reminder_source("agreements.reviews", review_reminders)
    register_reminder_source("agreements.consultations", consultation_reminders)
