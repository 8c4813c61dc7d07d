"""Breaches of protocol (Haringey section 6), personal data breach assessments for the ICO (UK
GDPR Article 33) and indemnity events between partners (Haringey 11.1).

A breach is reported under an agreement. Its deadline rules (working days, and the region whose
bank holidays count) are copied onto it when it is reported, and each milestone is a row with its
due date, done date, who recorded it and the evidence, so that the register and the reminder
sweep read due and overdue work with one indexed query.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from breaches.choices import BreachStatus, MilestoneKind, TellingMethod
from breaches.deadlines import ICO_ASSESSMENT_HOURS, INDEMNITY_RESPONSE_DAYS
from partners.models import BankHolidayRegion
from partners.tenancy import TenantModel

HISTORY = {"excluded_fields": ["updated_at"]}


class BreachReport(TenantModel):
    """A breach of an agreement: who reported it, who is in breach, when it was identified, what
    happened and what was done to contain it."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="breaches"
    )
    title = models.CharField(
        max_length=200,
        help_text="A short description for the register. Never a child's name or details.",
    )
    reporting_organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    organisation_in_breach = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # Empty only for breaches written by Sharewell itself (the demo seed has an actor anyway).
    reported_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField()
    identified_at = models.DateTimeField(help_text="When the breach was identified.")
    identified_on = models.DateField(
        help_text="The partnership's date at `identified_at`: day 0 of every deadline."
    )
    occurred_on = models.DateField(null=True, blank=True, help_text="If known.")
    description = models.TextField()
    containment = models.TextField("containment taken", blank=True)

    personal_data_involved = models.BooleanField(default=False)
    personal_data_categories = models.TextField(
        "categories of personal data", blank=True, help_text="e.g. contact details, SEN records."
    )
    special_category_data = models.BooleanField("special category data involved", default=False)
    people_affected = models.PositiveIntegerField(
        "approximate number of people affected", null=True, blank=True
    )

    # The deadline rules when it was reported (see breaches/deadlines.py).
    region = models.CharField(
        "bank holiday region", max_length=20, choices=BankHolidayRegion.choices
    )
    notify_days = models.PositiveSmallIntegerField("partners notified within (working days)")
    report_days = models.PositiveSmallIntegerField("report distributed within (working days)")
    meeting_days = models.PositiveSmallIntegerField("meeting held within (working days)")
    minutes_days = models.PositiveSmallIntegerField(
        "minutes circulated within (working days after the meeting)"
    )
    indemnity_response_days = models.PositiveSmallIntegerField(
        "indemnity notice answered within (working days)", default=INDEMNITY_RESPONSE_DAYS
    )

    status = models.CharField(max_length=20, choices=BreachStatus.choices, default="open")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_reason = models.TextField(blank=True)
    # Bumped on every edit; a save carrying an older version is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["-identified_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_on__isnull=True) | Q(occurred_on__lte=F("identified_on")),
                name="breach_occurred_before_identified",
            ),
            models.CheckConstraint(
                condition=Q(personal_data_involved=True)
                | (
                    Q(personal_data_categories="")
                    & Q(people_affected__isnull=True)
                    & Q(special_category_data=False)
                ),
                name="breach_personal_data_details_need_personal_data",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(closed_at__isnull=False) & ~Q(closure_reason="")),
                name="breach_closed_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(notify_days__gte=1)
                & Q(report_days__gte=1)
                & Q(meeting_days__gte=1)
                & Q(minutes_days__gte=1)
                & Q(indemnity_response_days__gte=1),
                name="breach_deadlines_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "identified_on"]),
            models.Index(fields=["tenant", "organisation_in_breach"]),
            models.Index(fields=["tenant", "agreement"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == BreachStatus.OPEN


class Milestone(TenantModel):
    """One deadline of a breach (Haringey 6.1–6.3, 6.6): due, done, by whom, on what evidence."""

    breach = models.ForeignKey(BreachReport, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=30, choices=MilestoneKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    responsible_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose managers are reminded and, when it is late, escalated to.",
    )
    working_days = models.PositiveSmallIntegerField()
    # The day counted from (day 0): the day identified, or the day the meeting was held.
    counted_from = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="breaches/evidence/%Y/", blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["breach", "position"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "kind"], name="milestone_once_per_breach"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(evidence=""),
                name="milestone_done_with_evidence",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True, counted_from__isnull=True)
                | Q(
                    due_on__isnull=False, counted_from__isnull=False, due_on__gte=F("counted_from")
                ),
                name="milestone_due_after_counted_from",
            ),
        ]
        indexes = [
            # The sweep's and the register's query: open milestones by due date.
            models.Index(
                fields=["tenant", "due_on"],
                condition=Q(done_on__isnull=True),
                name="milestone_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class PartnerNotification(TenantModel):
    """Telling one partner organisation of the breach (Haringey 6.1): who was told, when, how,
    and whether they acknowledged it. A row exists for every organisation to be told."""

    breach = models.ForeignKey(
        BreachReport, on_delete=models.CASCADE, related_name="partner_notifications"
    )
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    told_on = models.DateField(null=True, blank=True)
    contact_name = models.CharField("who was told", max_length=150, blank=True)
    method = models.CharField("how", max_length=20, choices=TellingMethod.choices, blank=True)
    told_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["breach", "organisation"], name="partner_told_once_per_breach"
            ),
            models.CheckConstraint(
                condition=Q(told_on__isnull=True) | (~Q(method="") & ~Q(contact_name="")),
                name="partner_told_says_who_and_how",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True)
                | (Q(told_on__isnull=False) & Q(acknowledged_on__gte=F("told_on"))),
                name="partner_acknowledged_after_told",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class BreachMeeting(TenantModel):
    """The partners' meeting about a breach (Haringey 6.3–6.6)."""

    breach = models.OneToOneField(BreachReport, on_delete=models.CASCADE, related_name="meeting")
    scheduled_for = models.DateTimeField(null=True, blank=True)
    location = models.CharField("where or how", max_length=200, blank=True)
    held_on = models.DateField(null=True, blank=True)
    chair = models.CharField(max_length=150, blank=True)
    # 6.4: the organisation in breach presents its report and any action since, then withdraws.
    presented_at = models.DateTimeField(null=True, blank=True)
    presentation = models.TextField("what it presented", blank=True)
    withdrew_at = models.DateTimeField(null=True, blank=True)
    # The remaining partners consider the report, agree actions and impose sanctions.
    deliberation = models.TextField("what the partners considered", blank=True)
    sanctions = models.TextField(
        blank=True, help_text="The sanctions imposed, or that none were imposed."
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # 6.5: recalled and verbally informed of the agreed action and sanctions.
    recalled_at = models.DateTimeField(null=True, blank=True)
    recall_notes = models.TextField("what it was told", blank=True)
    # 6.6: minutes recording the agreed actions and sanctions, written here or uploaded.
    minutes_text = models.TextField("minutes", blank=True)
    minutes_file = models.FileField(upload_to="breaches/minutes/%Y/", blank=True)
    minutes_circulated_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(**HISTORY)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(presented_at__isnull=True) | Q(held_on__isnull=False),
                name="meeting_presentation_needs_meeting",
            ),
            models.CheckConstraint(
                condition=Q(withdrew_at__isnull=True)
                | (Q(presented_at__isnull=False) & Q(withdrew_at__gte=F("presented_at"))),
                name="meeting_withdrawal_after_presentation",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True)
                | (Q(withdrew_at__isnull=False) & ~Q(sanctions="")),
                name="meeting_decision_after_withdrawal",
            ),
            models.CheckConstraint(
                condition=Q(recalled_at__isnull=True)
                | (Q(decided_at__isnull=False) & Q(recalled_at__gte=F("withdrew_at"))),
                name="meeting_recall_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(minutes_circulated_on__isnull=True)
                | (Q(recalled_at__isnull=False) & Q(minutes_circulated_on__gte=F("held_on"))),
                name="meeting_minutes_after_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"Partners' meeting on {self.breach}"


class MeetingAttendee(TenantModel):
    """Who attended the meeting, for which organisation."""

    meeting = models.ForeignKey(BreachMeeting, on_delete=models.CASCADE, related_name="attendees")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation", "name"], name="attendee_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class AgreedAction(TenantModel):
    """An action the partners agreed at the meeting, with its owner and due date."""

    breach = models.ForeignKey(BreachReport, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField("owner", max_length=150)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["tenant", "completed_on", "due_on"])]

    def __str__(self) -> str:
        return self.description[:80]


class IcoAssessment(TenantModel):
    """UK GDPR Article 33: within 72 hours of becoming aware of a personal data breach, decide
    whether it must be reported to the ICO (and report it), and whether the people affected must
    be told (Article 34)."""

    breach = models.OneToOneField(
        BreachReport, on_delete=models.CASCADE, related_name="ico_assessment"
    )
    aware_at = models.DateTimeField("became aware at")
    hours = models.PositiveSmallIntegerField(default=ICO_ASSESSMENT_HOURS)
    due_at = models.DateTimeField()
    must_report = models.BooleanField("must be reported to the ICO", null=True, blank=True)
    reasons = models.TextField(blank=True)
    tell_people = models.BooleanField("the people affected must be told", null=True, blank=True)
    tell_people_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("reported to the ICO at", null=True, blank=True)
    ico_reference = models.CharField("ICO reference", max_length=50, blank=True)
    delay_reasons = models.TextField(
        "reasons for the delay", blank=True, help_text="Required when reported after 72 hours."
    )
    people_told_on = models.DateField(null=True, blank=True)
    # Decided not reportable, or reported: nothing more is due by the deadline.
    completed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True)
                | (Q(must_report__isnull=False) & Q(tell_people__isnull=False) & ~Q(reasons="")),
                name="ico_decision_complete",
            ),
            models.CheckConstraint(
                condition=Q(reported_at__isnull=True)
                | (Q(must_report=True) & ~Q(ico_reference="")),
                name="ico_report_has_reference",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(decided_at__isnull=False),
                name="ico_completed_after_decision",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "due_at"],
                condition=Q(completed_at__isnull=True),
                name="ico_assessment_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"ICO assessment of {self.breach}"


class IndemnityEvent(TenantModel):
    """Haringey 11.1: the suffering partner notifies in writing the partner whose act, omission
    or negligence is alleged to have contributed, who responds in writing within four days. One
    row per alleged contributor notified."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="indemnity_events"
    )
    breach = models.ForeignKey(
        BreachReport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indemnity_events",
    )
    suffering_partner = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    alleged_contributor = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("details of the indemnity event")
    notified_on = models.DateField("written notice given on")
    council_notified_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the council was told, unless it is the suffering partner or a contributor.",
    )
    notified_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.CharField(
        "bank holiday region", max_length=20, choices=BankHolidayRegion.choices
    )
    response_days = models.PositiveSmallIntegerField(default=INDEMNITY_RESPONSE_DAYS)
    response_due_on = models.DateField()
    responded_on = models.DateField(null=True, blank=True)
    response = models.TextField("the written response", blank=True)
    response_file = models.FileField(upload_to="breaches/indemnity/%Y/", blank=True)
    response_recorded_by = models.ForeignKey(
        "partners.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(**HISTORY)

    class Meta:
        ordering = ["-notified_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(suffering_partner=F("alleged_contributor")),
                name="indemnity_between_two_partners",
            ),
            models.CheckConstraint(
                condition=Q(response_due_on__gte=F("notified_on")),
                name="indemnity_response_due_after_notice",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True)
                | (Q(responded_on__gte=F("notified_on")) & ~Q(response="")),
                name="indemnity_response_after_notice",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "response_due_on"],
                condition=Q(responded_on__isnull=True),
                name="indemnity_awaiting_response",
            ),
        ]

    def __str__(self) -> str:
        return f"Indemnity event: {self.suffering_partner} and {self.alleged_contributor}"
