"""Pages of the sharing decision log. Each is a thin caller: a form parses the input, one service
writes, selectors read, and every record is loaded through its access function.

- record: choosing the child, the guided decision form, correcting a decision, and the htmx
  endpoints of the form (live consent check, the agreement's data items);
- log: the organisation's and a child's log, filtered and keyset-paged, and their CSV exports;
- detail: a decision's page;
- overrides: the designated manager's queue and approving or rejecting an override;
- notices: inaccuracy notices, acknowledging them, and those not yet acknowledged.
"""

from sharing_log.views.detail import DecisionDetailView
from sharing_log.views.log import ChildExportView, ChildLogView, DecisionListView, ExportView
from sharing_log.views.notices import (
    NoticeAcknowledgeView,
    NoticeCreateView,
    NoticeDetailView,
    NoticeListView,
)
from sharing_log.views.overrides import OverrideDecideView, OverrideQueueView
from sharing_log.views.record import (
    AggregateDecisionView,
    ChildDecisionView,
    ConsentCheckView,
    DataItemsView,
    DecisionStartView,
    DecisionSupersedeView,
)

__all__ = [
    "AggregateDecisionView",
    "ChildDecisionView",
    "ChildExportView",
    "ChildLogView",
    "ConsentCheckView",
    "DataItemsView",
    "DecisionDetailView",
    "DecisionListView",
    "DecisionStartView",
    "DecisionSupersedeView",
    "ExportView",
    "NoticeAcknowledgeView",
    "NoticeCreateView",
    "NoticeDetailView",
    "NoticeListView",
    "OverrideDecideView",
    "OverrideQueueView",
]
