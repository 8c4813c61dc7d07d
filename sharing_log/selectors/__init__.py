"""Reads of the sharing decision log. Every list starts from `decisions_visible_to`
(sharing_log/access.py), so need-to-know holds everywhere.

`log` pages the log (keyset, no counts); `summaries` reads an API page's rows; `decisions` reads
about one decision and the override queue; `export` streams the log as a spreadsheet; `notices`
reads inaccuracy notices.
"""

from sharing_log.access import (
    decision_get_for,
    decisions_visible_to,
    may_decide_override,
    notice_get_for,
    notices_visible_to,
)
from sharing_log.selectors.decisions import (
    decision_chain,
    decision_consent_preview,
    decision_training_warning,
    override_status,
    override_status_for,
    overrides_pending_for,
    statutory_gateway_by_id,
    statutory_gateways,
)
from sharing_log.selectors.export import EXPORT_HEADER, decision_export_rows
from sharing_log.selectors.log import (
    LIST_DEFERRED,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    DecisionFilters,
    DecisionPage,
    decision_instances,
    decision_log,
    decision_table_rows,
)
from sharing_log.selectors.notices import (
    notice_acknowledged_ids,
    notices_to_acknowledge,
    notices_unacknowledged,
)
from sharing_log.selectors.summaries import SUMMARY_RELATIONS, decision_summaries, recorded_row

__all__ = [
    "EXPORT_HEADER",
    "LIST_DEFERRED",
    "MAX_PAGE_SIZE",
    "PAGE_SIZE",
    "SUMMARY_RELATIONS",
    "DecisionFilters",
    "DecisionPage",
    "decision_chain",
    "decision_consent_preview",
    "decision_export_rows",
    "decision_get_for",
    "decision_instances",
    "decision_log",
    "decision_summaries",
    "decision_table_rows",
    "decision_training_warning",
    "decisions_visible_to",
    "may_decide_override",
    "notice_acknowledged_ids",
    "notice_get_for",
    "notices_to_acknowledge",
    "notices_unacknowledged",
    "notices_visible_to",
    "override_status",
    "override_status_for",
    "overrides_pending_for",
    "recorded_row",
    "statutory_gateway_by_id",
    "statutory_gateways",
]
