"""Pages of the partners app. Each page is a thin caller: a form parses the input, one service
writes, selectors read.

- accounts: choosing a partnership, the dashboards, signing out, the error pages;
- organisations: the list, an organisation's tabs, adding and editing one, its security summary,
  its authorised contacts;
- people: members, invitations, roles, deactivation, IG training and its policy;
- imports: importing organisations from a GIAS extract.
"""

from partners.views.accounts import (
    ChooseMembershipView,
    DashboardView,
    SignOutView,
    bad_request,
    page_not_found,
    permission_denied,
    server_error,
)
from partners.views.imports import (
    OrganisationImportPreviewView,
    OrganisationImportProgressView,
    OrganisationImportStatusView,
    OrganisationImportUploadView,
)
from partners.views.organisations import (
    ContactAddView,
    ContactEditView,
    OrganisationCreateView,
    OrganisationDetailView,
    OrganisationEditView,
    OrganisationListView,
    SecuritySummaryView,
)
from partners.views.people import (
    InvitationAcceptView,
    MembershipChangeView,
    MembershipDeactivateView,
    MembershipDetailView,
    MembershipInviteView,
    MembershipListView,
    MemberTrainingRecordView,
    MyTrainingRecordView,
    MyTrainingView,
    TrainingEvidenceView,
    TrainingPolicyView,
)

__all__ = [
    "ChooseMembershipView",
    "ContactAddView",
    "ContactEditView",
    "DashboardView",
    "InvitationAcceptView",
    "MemberTrainingRecordView",
    "MembershipChangeView",
    "MembershipDeactivateView",
    "MembershipDetailView",
    "MembershipInviteView",
    "MembershipListView",
    "MyTrainingRecordView",
    "MyTrainingView",
    "OrganisationCreateView",
    "OrganisationDetailView",
    "OrganisationEditView",
    "OrganisationImportPreviewView",
    "OrganisationImportProgressView",
    "OrganisationImportStatusView",
    "OrganisationImportUploadView",
    "OrganisationListView",
    "SecuritySummaryView",
    "SignOutView",
    "TrainingEvidenceView",
    "TrainingPolicyView",
    "bad_request",
    "page_not_found",
    "permission_denied",
    "server_error",
]
