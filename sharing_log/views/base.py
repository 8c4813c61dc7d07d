"""What the sharing log pages share: the decision (or notice, or child) loaded through its access
function before anything else, so a record the user may not see is the same 404 for every
method; the access audit of what was shown; and the log's opaque page cursor."""

from __future__ import annotations

import base64
import binascii
import uuid
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from agreements.views.base import FormPage, LoadsObjectFirst
from consent.access import subject_get_for
from consent.models import DataSubject
from sharing_log.models import InaccuracyNotice, SharingDecision
from sharing_log.selectors import decision_get_for, notice_get_for


def decision_url(decision: SharingDecision) -> str:
    return reverse("sharing_log:decision_detail", kwargs={"id": decision.public_id})


def notice_url(notice: InaccuracyNotice) -> str:
    return reverse("sharing_log:notice_detail", kwargs={"id": notice.public_id})


def child_log_url(subject: DataSubject) -> str:
    return reverse("sharing_log:child_log", kwargs={"id": subject.public_id})


# --- The page cursor ------------------------------------------------------------------------------
#
# A page of the log is named by the decision it continues from and the direction ("older" pages
# continue after the last row shown, "newer" ones before the first). The cursor is opaque to the
# user: the decision's public id and the direction, encoded. Nothing in it names a child.

OLDER, NEWER = "o", "n"


def encode_cursor(direction: str, public_id: uuid.UUID) -> str:
    raw = f"{direction}{uuid.UUID(str(public_id)).hex}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, uuid.UUID] | None:
    """(direction, public id), None for no cursor; Http404 for one that is not ours."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        direction, public_id = raw[0], uuid.UUID(hex=raw[1:])
    except (binascii.Error, UnicodeDecodeError, ValueError, IndexError):
        raise Http404("No such page.") from None
    if direction not in (OLDER, NEWER):
        raise Http404("No such page.")
    return direction, public_id


# --- Loading the page's record --------------------------------------------------------------


class DecisionMixin(LoadsObjectFirst):
    """A page about one decision, addressed by its public id."""

    @cached_property
    def decision(self) -> SharingDecision:
        return decision_get_for(self.request.membership, self.kwargs["id"])

    def load(self) -> None:
        _ = self.decision


class NoticeMixin(LoadsObjectFirst):
    @cached_property
    def notice(self) -> InaccuracyNotice:
        return notice_get_for(self.request.membership, self.kwargs["id"])

    def load(self) -> None:
        _ = self.notice


class ChildMixin(LoadsObjectFirst):
    """A page about one child's decisions: 404 unless the child's record is visible to the user
    (need-to-know, consent/access.py)."""

    @cached_property
    def subject(self) -> DataSubject:
        return subject_get_for(self.request.membership, self.kwargs["id"])

    def load(self) -> None:
        _ = self.subject


class DecisionActionPage(DecisionMixin, FormPage):
    """A form page about one decision (a manager's answer to an override, an inaccuracy notice):
    the decision in brief above the form, and who may use it (403 for the others, after the 404
    for those who may not see the decision; the service checks it again)."""

    intro_template = "sharing_log/_decision_summary.html"
    refusal = "Your role does not allow this."

    def may_use(self) -> bool:
        raise NotImplementedError

    def load(self) -> None:
        super().load()
        if not self.may_use():
            raise PermissionDenied(self.refusal)

    def get_back_url(self) -> str:
        return decision_url(self.decision)

    def get_back_label(self) -> str:
        return "The decision"

    def get_context_data(self, **kwargs):
        return super().get_context_data(decision=self.decision, **kwargs)
