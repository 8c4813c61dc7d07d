"""The vocabularies of a breach of protocol, as choice lists (data, not code paths)."""

from django.db import models


class BreachStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    # Recorded in error (not a breach after all): kept, with the reason, never deleted.
    WITHDRAWN = "withdrawn", "Withdrawn (not a breach)"


class MilestoneKind(models.TextChoices):
    """Haringey 6.1–6.6, in the order they fall due."""

    PARTNERS_NOTIFIED = "partners_notified", "Partners notified"
    REPORT_DISTRIBUTED = "report_distributed", "Breach report distributed"
    MEETING_HELD = "meeting_held", "Partners' meeting held"
    MINUTES_CIRCULATED = (
        "minutes_circulated",
        "Minutes with agreed actions and sanctions circulated",
    )


MILESTONE_ORDER: tuple[MilestoneKind, ...] = (
    MilestoneKind.PARTNERS_NOTIFIED,
    MilestoneKind.REPORT_DISTRIBUTED,
    MilestoneKind.MEETING_HELD,
    MilestoneKind.MINUTES_CIRCULATED,
)


class MilestoneState(models.TextChoices):
    """How a milestone stands on a given day, for the register and the timeline."""

    WAITING = "waiting", "Not yet due (waits for an earlier step)"
    DUE = "due", "Due"
    DUE_TODAY = "due_today", "Due today"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"
    DONE_LATE = "done_late", "Done late"


class TellingMethod(models.TextChoices):
    """How a partner organisation was told of the breach."""

    SECURE_EMAIL = "secure_email", "Secure email"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    TELEPHONE = "telephone", "Telephone (confirmed in writing)"
    IN_PERSON = "in_person", "In person"
    MEETING = "meeting", "At a meeting"


class MeetingStep(models.TextChoices):
    """Haringey 6.4–6.5: the organisation in breach presents its report and withdraws; the others
    deliberate and agree actions and sanctions; it is recalled and told."""

    NOT_HELD = "not_held", "Not held yet"
    HELD = "held", "Held; the organisation in breach has not presented yet"
    PRESENTED = "presented", "The organisation in breach presented its report"
    WITHDRAWN = "withdrawn", "The organisation in breach withdrew; partners deliberating"
    DECIDED = "decided", "Actions and sanctions agreed"
    RECALLED = "recalled", "The organisation in breach was recalled and told"
