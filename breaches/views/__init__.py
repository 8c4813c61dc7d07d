"""Pages of the breaches app. Each is a thin caller: a form parses the input, one service writes,
selectors read, and every record is loaded through its access function (404 for a breach the
viewer may not see; 403 for a step that is another organisation's to record).

- register: the register of breaches, reporting one, closing or withdrawing it;
- detail: a breach's page (milestones, partners told, meeting, ICO, indemnity, timeline) and the
  documents recorded with it;
- steps: partners told and acknowledging, milestones done, the ICO assessment;
- meeting: the partners' meeting step by step, agreed actions, the minutes;
- indemnity: indemnity notices and responses.
"""

from breaches.views.detail import BreachDetailView, MilestoneEvidenceView, MinutesFileView
from breaches.views.indemnity import (
    IndemnityDetailView,
    IndemnityNotifyView,
    IndemnityResponseFileView,
    IndemnityResponseView,
)
from breaches.views.meeting import (
    ActionAddView,
    ActionCompleteView,
    AttendeeAddView,
    CirculateView,
    DecideView,
    MeetingHeldView,
    MeetingScheduleView,
    MinutesView,
    PresentedView,
    RecalledView,
    WithdrewView,
)
from breaches.views.register import (
    BreachCloseView,
    BreachListView,
    BreachReportView,
    BreachWithdrawView,
)
from breaches.views.steps import (
    IcoDecideView,
    IcoPeopleToldView,
    IcoReportedView,
    MilestoneCompleteView,
    PartnerAcknowledgedView,
    PartnerToldView,
)

__all__ = [
    "ActionAddView",
    "ActionCompleteView",
    "AttendeeAddView",
    "BreachCloseView",
    "BreachDetailView",
    "BreachListView",
    "BreachReportView",
    "BreachWithdrawView",
    "CirculateView",
    "DecideView",
    "IcoDecideView",
    "IcoPeopleToldView",
    "IcoReportedView",
    "IndemnityDetailView",
    "IndemnityNotifyView",
    "IndemnityResponseFileView",
    "IndemnityResponseView",
    "MeetingHeldView",
    "MeetingScheduleView",
    "MilestoneCompleteView",
    "MilestoneEvidenceView",
    "MinutesFileView",
    "MinutesView",
    "PartnerAcknowledgedView",
    "PartnerToldView",
    "PresentedView",
    "RecalledView",
    "WithdrewView",
]
