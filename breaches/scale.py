"""The breaches part of a partnership at scale (`seed_scale`, partners/scale.py).

Breaches of protocol over five years under the partnership's agreements: most closed with every
milestone done, a recent tail still open with milestones done, due and overdue (what the register
and the daily reminder job read), and the 72-hour ICO assessment for those involving personal
data. Milestone dates are counted in working days of the partnership's region by the one
function that owns the rule (partners.working_days).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from breaches.choices import MILESTONE_ORDER, BreachStatus, MilestoneKind
from breaches.models import BreachReport, IcoAssessment, Milestone
from partners.scale import ScaleContext, copy_rows, reserve_ids
from partners.working_days import add_working_days

WHAT_HAPPENED = (
    ("Email sent to the wrong school", "A referral was emailed to a school with a similar name."),
    ("Report left on a shared printer", "A child's assessment was left on an open-plan printer."),
    ("Unencrypted memory stick lost", "A memory stick holding a case summary was lost in transit."),
    (
        "Shared without checking identity",
        "Details were given by telephone to an unverified caller.",
    ),
    ("Records kept past retention", "Closed case files were found kept beyond the agreed period."),
    ("More shared than needed", "A full chronology was sent where minimum data was agreed."),
)
OPEN_SHARE = 0.1


def extend_scale(ctx: ScaleContext) -> None:
    ctx.step("breaches, milestones and ICO assessments", lambda: _breaches(ctx))


def _breaches(ctx: ScaleContext) -> int:
    rng, n, tenant_id = ctx.rng, ctx.options.breaches, ctx.tenant.pk
    region = ctx.tenant.bank_holiday_region
    agreements = ctx.extra.get("agreements.active") or []
    if not agreements or n <= 0:
        return 0
    reporters = ctx.members_by_role.get("ig_officer", []) + ctx.members_by_role.get("manager", [])
    first = reserve_ids(BreachReport, n)
    breaches, milestones, assessments = [], [], []
    days = sorted(rng.randint(0, ctx.options.years * 365) for _ in range(n))[::-1]
    for index in range(n):
        pk = first + index
        identified_on = ctx.today - timedelta(days=days[index])
        identified_at = datetime.combine(identified_on, time(rng.randint(8, 17)), ctx.now.tzinfo)
        open_ = index >= n * (1 - OPEN_SHARE)
        reporting, in_breach = rng.sample(ctx.organisation_ids, 2)
        title, description = rng.choice(WHAT_HAPPENED)
        personal = rng.random() < 0.6
        reporter = rng.choice(reporters) if reporters else None
        closed_at = None if open_ else identified_at + timedelta(days=rng.randint(30, 90))
        breaches.append(
            (pk, tenant_id, rng.choice(agreements), title, reporting, in_breach, reporter,
             identified_at + timedelta(hours=2), identified_at, identified_on,
             identified_on - timedelta(days=rng.randint(0, 5)), description,
             "The recipient confirmed deletion in writing.", personal,
             "Contact details, SEN records" if personal else "", personal and rng.random() < 0.3,
             rng.randint(1, 40) if personal else None, region, 5, 10, 20, 5,
             str(BreachStatus.OPEN if open_ else BreachStatus.CLOSED), closed_at,
             reporter if closed_at else None,
             "Actions completed and minutes circulated." if closed_at else "")
        )  # fmt: skip
        meeting_held = None
        for position, kind in enumerate(MILESTONE_ORDER):
            working_days = {
                MilestoneKind.PARTNERS_NOTIFIED: 5,
                MilestoneKind.REPORT_DISTRIBUTED: 10,
                MilestoneKind.MEETING_HELD: 20,
                MilestoneKind.MINUTES_CIRCULATED: 5,
            }[kind]
            if kind == MilestoneKind.MINUTES_CIRCULATED:
                counted_from = meeting_held
            else:
                counted_from = identified_on
            due_on = add_working_days(counted_from, working_days, region) if counted_from else None
            # Open breaches: the earlier steps mostly done, the later ones due or overdue.
            done = not open_ or (due_on is not None and position < 2 and rng.random() < 0.7)
            done_on = (
                min(ctx.today, due_on - timedelta(days=rng.randint(0, 3)))
                if done and due_on
                else None
            )
            if done_on is not None and counted_from is not None and done_on < counted_from:
                done_on = counted_from
            if kind == MilestoneKind.MEETING_HELD:
                meeting_held = done_on
            milestones.append(
                (tenant_id, pk, str(kind), position,
                 in_breach if kind == MilestoneKind.MEETING_HELD else reporting, working_days,
                 counted_from, due_on, done_on, reporter if done_on else None,
                 "Recorded at the partners' meeting." if done_on else "")
            )  # fmt: skip
        if personal:
            decided = not open_ or rng.random() < 0.5
            must_report = decided and rng.random() < 0.3
            decided_at = identified_at + timedelta(hours=rng.randint(2, 70)) if decided else None
            assessments.append(
                (tenant_id, pk, identified_at, 72, identified_at + timedelta(hours=72),
                 must_report if decided else None,
                 "Assessed against the ICO's self-assessment." if decided else "",
                 False if decided else None, decided_at, reporter if decided else None,
                 decided_at if must_report else None,
                 f"IC-{rng.randint(100000, 999999)}" if must_report else "",
                 decided_at)
            )  # fmt: skip
    count = copy_rows(
        BreachReport,
        [
            "id",
            "tenant_id",
            "agreement_id",
            "title",
            "reporting_organisation_id",
            "organisation_in_breach_id",
            "reported_by_id",
            "reported_at",
            "identified_at",
            "identified_on",
            "occurred_on",
            "description",
            "containment",
            "personal_data_involved",
            "personal_data_categories",
            "special_category_data",
            "people_affected",
            "region",
            "notify_days",
            "report_days",
            "meeting_days",
            "minutes_days",
            "status",
            "closed_at",
            "closed_by_id",
            "closure_reason",
        ],
        breaches,
        now=ctx.now,
    )
    count += copy_rows(
        Milestone,
        [
            "tenant_id",
            "breach_id",
            "kind",
            "position",
            "responsible_organisation_id",
            "working_days",
            "counted_from",
            "due_on",
            "done_on",
            "completed_by_id",
            "evidence",
        ],
        milestones,
        now=ctx.now,
    )
    count += copy_rows(
        IcoAssessment,
        [
            "tenant_id",
            "breach_id",
            "aware_at",
            "hours",
            "due_at",
            "must_report",
            "reasons",
            "tell_people",
            "decided_at",
            "decided_by_id",
            "reported_at",
            "ico_reference",
            "completed_at",
        ],
        assessments,
        now=ctx.now,
    )
    return count
