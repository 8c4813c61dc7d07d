"""The agreements REST API, under /api/agreements/ (routes in agreements.api.urls): agreements
and their lifecycle, content and PDF; their signatories, change consultations and reviews; the
legal bases they may cite. Thin callers of agreements.services and agreements.selectors on the
shell every app's API shares (partners.api.shell)."""

from agreements.api.agreements import AgreementViewSet, LegalBasisViewSet
from agreements.api.consultations import ConsultationViewSet
from agreements.api.reviews import ReviewActionViewSet, ReviewViewSet
from agreements.api.signatories import SignatoryViewSet

__all__ = [
    "AgreementViewSet",
    "ConsultationViewSet",
    "LegalBasisViewSet",
    "ReviewActionViewSet",
    "ReviewViewSet",
    "SignatoryViewSet",
]
