"""Forms of the sharing log pages. They parse what was typed into the services' inputs
(`DecisionDraft`, `RecipientSpec`); the services check the rules and save, and their errors are
put back on the fields (`partners.fields.add_service_errors`).

The decision form asks the questions of HM Government's information sharing flowchart in its
order: the purpose, consent, overriding confidentiality, what and with whom, how; then the
Golden Rule 6 checks, advice and the reasons (Golden Rule 7). Choices that name another record
(an organisation, an agreement, a data item, a member) carry its public id and are read per
request, inside the active partnership.
"""

from __future__ import annotations

from sharing_log.forms.decision import (
    DecisionForm,
    RecipientForm,
    RecipientFormSet,
    SupersedeForm,
    decision_initial,
)
from sharing_log.forms.fields import without_errors
from sharing_log.forms.log import (
    AcknowledgeForm,
    ApprovalForm,
    InaccuracyNoticeForm,
    LogFilterForm,
)

__all__ = [
    "AcknowledgeForm",
    "ApprovalForm",
    "DecisionForm",
    "InaccuracyNoticeForm",
    "LogFilterForm",
    "RecipientForm",
    "RecipientFormSet",
    "SupersedeForm",
    "decision_initial",
    "without_errors",
]
