"""Pages of the consent app. Each is a thin caller: a form parses the input, one service writes,
selectors read, and every child and consent is loaded through its access function (404 unless
the user's organisation is involved with the child).

- subjects: finding a child (POST only), opening a record, the child's record, editing it;
- team: the team around the child;
- consents: recording, renewing, reviewing and withdrawing consent, the signed form, PDFs;
- due: the list of consents due for review or renewal.
"""

from consent.views.consents import (
    AttachFormView,
    ConsentDetailView,
    ConsentFormPdfView,
    ConsentReceiptPdfView,
    ConsentRecordView,
    ConsentRenewView,
    ConsentReviewView,
    ConsentWithdrawView,
    SignedFormView,
)
from consent.views.due import ConsentsDueView
from consent.views.subjects import (
    AccessRequestView,
    FindChildView,
    SubjectCreateView,
    SubjectDetailView,
    SubjectEditView,
)
from consent.views.team import TeamAddView, TeamEndView, TeamLeadView

__all__ = [
    "AccessRequestView",
    "AttachFormView",
    "ConsentDetailView",
    "ConsentFormPdfView",
    "ConsentReceiptPdfView",
    "ConsentRecordView",
    "ConsentRenewView",
    "ConsentReviewView",
    "ConsentWithdrawView",
    "ConsentsDueView",
    "FindChildView",
    "SignedFormView",
    "SubjectCreateView",
    "SubjectDetailView",
    "SubjectEditView",
    "TeamAddView",
    "TeamEndView",
    "TeamLeadView",
]
