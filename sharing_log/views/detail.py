"""A decision's page: every answer, the consent as it stood when it was relied on, the
override's approval, the chain of corrections and the inaccuracy notices. Every view is
recorded in the access audit."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.views.generic import TemplateView

from agreements.choices import InformationLevel
from consent.choices import ConsentStatus, SpecialCategory
from partners.permissions import MembershipRequiredMixin
from partners.roles import can
from sharing_log.audit import audit_decision
from sharing_log.choices import GOLDEN_RULE_6_CHECKS, AdviceSource, OverrideStatus
from sharing_log.selectors import decision_chain, may_decide_override, override_status
from sharing_log.views.base import DecisionMixin
from sharing_log.views.notices import may_give_notice


def approval_of(decision):
    try:
        return decision.approval
    except ObjectDoesNotExist:
        return None


def is_current(decision) -> bool:
    try:
        decision.superseded_by  # noqa: B018 - the reverse one-to-one raises when there is none
    except ObjectDoesNotExist:
        return True
    return False


def _day(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def snapshot_view(snapshot: dict) -> dict | None:
    """The consent checks kept with the decision, as the page shows them: what each recipient's
    check found and the consent record as it stood then."""
    if not snapshot:
        return None
    statuses = dict(ConsentStatus.choices)
    checks = []
    for check in snapshot.get("checks") or ():
        consent = check.get("consent") or None
        checks.append(
            {
                "recipient": check.get("recipient", ""),
                "ok": bool(check.get("ok")),
                "message": check.get("message", ""),
                "warnings": check.get("warnings") or [],
                "consent": consent
                and {
                    "giver_name": consent.get("giver_name", ""),
                    "given_on": _day(consent.get("given_on")),
                    "status": statuses.get(consent.get("status"), consent.get("status", "")),
                    "review_due": _day(consent.get("review_due")),
                },
            }
        )
    return {
        "checked_on": _day(snapshot.get("checked_on")),
        "relied_on": bool(snapshot.get("relied_on")),
        "checks": checks,
    }


def labels(values, choices) -> list[str]:
    known = dict(choices)
    return [str(known.get(value, value)) for value in values or ()]


class DecisionDetailView(DecisionMixin, MembershipRequiredMixin, TemplateView):
    required_capability = "decisions.view"
    template_name = "sharing_log/decision_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        viewer, decision = self.request.membership, self.decision
        audit_decision(self.request, decision)
        status = override_status(decision)
        current = is_current(decision)
        ours = decision.organisation_id == viewer.organisation_id
        recipients = list(decision.recipients.all())
        notices = list(
            decision.inaccuracy_notices.select_related("organisation", "recorded_by__user")
            .prefetch_related("recipient_organisations__organisation", "acknowledgements")
            .order_by("-recorded_at", "-id")
        )
        context.update(
            decision=decision,
            subject=decision.subject,
            recipients=recipients,
            status=status,
            approval=approval_of(decision),
            is_current=current,
            chain=decision_chain(viewer=viewer, decision=decision),
            checks=[
                (label, getattr(decision, name)) for name, label in GOLDEN_RULE_6_CHECKS.items()
            ],
            advice=labels(decision.advice_sought, AdviceSource.choices),
            special_categories=labels(decision.special_categories, SpecialCategory.choices),
            level=dict(InformationLevel.choices).get(decision.information_level, ""),
            snapshot=snapshot_view(decision.consent_snapshot),
            notices=[
                {
                    "notice": notice,
                    "awaiting": sorted(
                        {r.organisation_id for r in notice.recipient_organisations.all()}
                        - {a.organisation_id for a in notice.acknowledgements.all()}
                    ),
                    "total": len(notice.recipient_organisations.all()),
                }
                for notice in notices
            ],
            may_approve=status == OverrideStatus.PENDING
            and current
            and may_decide_override(viewer, decision),
            may_correct=current and ours and can(viewer, "decisions.record"),
            may_give_notice=decision.shares
            and any(r.organisation_id for r in recipients)
            and may_give_notice(viewer, decision),
        )
        return context
