"""Writes of the sharing decision log. Split by concern; import from `sharing_log.services`."""

from sharing_log.services.decisions import decision_record, decision_supersede
from sharing_log.services.drafts import DecisionDraft, RecipientSpec
from sharing_log.services.notices import inaccuracy_acknowledge, inaccuracy_notice_record
from sharing_log.services.overrides import override_decide

__all__ = [
    "DecisionDraft",
    "RecipientSpec",
    "decision_record",
    "decision_supersede",
    "inaccuracy_acknowledge",
    "inaccuracy_notice_record",
    "override_decide",
]
