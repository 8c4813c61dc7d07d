"""Writes for breaches. Every service takes keyword arguments, starting with the acting
membership, checks who may act, validates, saves with history and returns the object. Split by
concern; import from `breaches.services`."""

from breaches.services._common import ConcurrentEdit
from breaches.services.ico import (
    ico_assessment_decide,
    ico_assessment_people_told,
    ico_assessment_reported,
)
from breaches.services.indemnity import indemnity_notify, indemnity_record_response
from breaches.services.meeting import (
    breach_action_add,
    breach_action_complete,
    breach_meeting_add_attendee,
    breach_meeting_decide,
    breach_meeting_held,
    breach_meeting_presented,
    breach_meeting_recalled,
    breach_meeting_schedule,
    breach_meeting_withdrew,
    breach_minutes_circulate,
    breach_minutes_record,
)
from breaches.services.milestones import (
    breach_milestone_complete,
    breach_partner_acknowledged,
    breach_partner_told,
)
from breaches.services.reporting import (
    breach_close,
    breach_report,
    breach_update,
    breach_withdraw,
    organisations_to_tell,
)

__all__ = [
    "ConcurrentEdit",
    "breach_action_add",
    "breach_action_complete",
    "breach_close",
    "breach_meeting_add_attendee",
    "breach_meeting_decide",
    "breach_meeting_held",
    "breach_meeting_presented",
    "breach_meeting_recalled",
    "breach_meeting_schedule",
    "breach_meeting_withdrew",
    "breach_milestone_complete",
    "breach_minutes_circulate",
    "breach_minutes_record",
    "breach_partner_acknowledged",
    "breach_partner_told",
    "breach_report",
    "breach_update",
    "breach_withdraw",
    "ico_assessment_decide",
    "ico_assessment_people_told",
    "ico_assessment_reported",
    "indemnity_notify",
    "indemnity_record_response",
    "organisations_to_tell",
]
