"""Pages of the agreements app. Each is a thin caller: a form parses the input, one service
writes, selectors read, and every record is loaded through its access function.

- register: the register of agreements and starting one;
- detail: an agreement's tabs, what changed between versions, the PDF;
- editing: document control and headings, and each list of content;
- lifecycle: one page per move (send for consultation, approve, start a review, …);
- signatories: inviting, signing, declining, withdrawing;
- consultations: proposing a change, responding, approving or dropping it;
- reviews: findings, report, actions, completing a review; audit requests.
"""

from agreements.views.consultations import (
    ConsultationApproveView,
    ConsultationDetailView,
    ConsultationDropView,
    ConsultationOpenView,
    ConsultationRespondView,
)
from agreements.views.detail import AgreementChangesView, AgreementDetailView, AgreementPdfView
from agreements.views.editing import AgreementContentEditView, AgreementEditView
from agreements.views.lifecycle import (
    ApproveView,
    CirculateView,
    ExpireView,
    ReturnToDraftView,
    StartReviewView,
    SupersedeView,
    WithdrawView,
)
from agreements.views.register import AgreementCreateView, AgreementListView
from agreements.views.reviews import (
    AuditCancelView,
    AuditCompleteView,
    AuditRequestCreateView,
    ReviewActionAddView,
    ReviewActionCompleteView,
    ReviewCompleteView,
    ReviewDetailView,
    ReviewFindingsView,
    ReviewReportView,
)
from agreements.views.signatories import DeclineView, InviteView, SignView, WithdrawSignatoryView

__all__ = [
    "AgreementChangesView",
    "AgreementContentEditView",
    "AgreementCreateView",
    "AgreementDetailView",
    "AgreementEditView",
    "AgreementListView",
    "AgreementPdfView",
    "ApproveView",
    "AuditCancelView",
    "AuditCompleteView",
    "AuditRequestCreateView",
    "CirculateView",
    "ConsultationApproveView",
    "ConsultationDetailView",
    "ConsultationDropView",
    "ConsultationOpenView",
    "ConsultationRespondView",
    "DeclineView",
    "ExpireView",
    "InviteView",
    "ReturnToDraftView",
    "ReviewActionAddView",
    "ReviewActionCompleteView",
    "ReviewCompleteView",
    "ReviewDetailView",
    "ReviewFindingsView",
    "ReviewReportView",
    "SignView",
    "StartReviewView",
    "SupersedeView",
    "WithdrawSignatoryView",
    "WithdrawView",
]
