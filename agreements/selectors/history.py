"""Every change to an agreement, readable: who changed what and when, "from → to", for the
agreement's own fields, each list of its structured content and its signatories; and the
difference between two approved versions.

Built on django-simple-history's rows. A fixed number of queries however long the history: one
per kind of record and one per kind of name (organisations, agreements, legal bases).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst

from agreements.choices import AgreementAction
from agreements.models import (
    Agreement,
    AgreementChannel,
    AgreementLegalBasis,
    AgreementMethod,
    AgreementTransition,
    ConsentScope,
    DataItem,
    DataSubjectCategory,
    Exclusion,
    LegalBasis,
    Purpose,
    SharedSystem,
    Signatory,
    Term,
)
from partners.models import Organisation
from partners.selectors import FieldChange, HistoryEntry, history_actor, readable_value

# The lists of content in the order the agreement page shows them, with their headings.
CONTENT_MODELS = (
    (Purpose, "Purpose"),
    (DataItem, "Data item"),
    (DataSubjectCategory, "Whose information"),
    (AgreementLegalBasis, "Legal basis"),
    (AgreementMethod, "Sharing method"),
    (AgreementChannel, "Channel"),
    (SharedSystem, "Shared IT system"),
    (Exclusion, "Excluded service"),
    (Term, "Term"),
    (ConsentScope, "Consent scope"),
)
HIDDEN = frozenset(
    {
        "id",
        "tenant",
        "public_id",
        "created_at",
        "updated_at",
        "version",
        "agreement",
        "position",
        "recorded_by",
        "invited_by",
        "carried_over_from",
    }
)
ACTIONS = {"+": "Added", "~": "Changed", "-": "Removed"}
HISTORY_LIMIT = 500


@dataclass
class _Names:
    """Names for the foreign keys that appear in history rows, fetched once per kind."""

    organisations: dict[int, str]
    agreements: dict[int, str]
    bases: dict[int, str]

    def for_field(self, name: str) -> dict[int, str]:
        if name in ("owner_organisation", "organisation"):
            return self.organisations
        if name in ("parent", "superseded_by"):
            return self.agreements
        if name == "basis":
            return self.bases
        return {}


def _names(records) -> _Names:
    org_ids, agreement_ids, basis_ids = set(), set(), set()
    for record in records:
        for attname, bucket in (
            ("owner_organisation_id", org_ids),
            ("organisation_id", org_ids),
            ("parent_id", agreement_ids),
            ("superseded_by_id", agreement_ids),
            ("basis_id", basis_ids),
        ):
            value = getattr(record, attname, None)
            if value:
                bucket.add(value)
    return _Names(
        organisations=dict(
            Organisation._base_manager.filter(pk__in=org_ids).values_list("pk", "name")
        ),
        agreements=dict(
            Agreement._base_manager.filter(pk__in=agreement_ids).values_list("pk", "title")
        ),
        bases={b.pk: str(b) for b in LegalBasis.objects.filter(pk__in=basis_ids)},
    )


def _subject(model, record, names: _Names) -> str:
    if model is AgreementLegalBasis:
        return names.bases.get(record.basis_id, "A legal basis")
    if model is Signatory:
        return f"Signatory {names.organisations.get(record.organisation_id, '')}".strip()
    if model is Term:
        party = record.party_name or Term(party=record.party).get_party_display()
        return f"{party}: {_short(record.text)}"
    for field in ("name", "service", "description"):
        if hasattr(record, field) and getattr(record, field):
            return _short(getattr(record, field))
    for field in ("method", "channel"):
        if hasattr(record, field):
            return str(dict(model._meta.get_field(field).flatchoices).get(getattr(record, field)))
    return model._meta.verbose_name


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _changes(model, old, new, names: _Names, prefix: str = "") -> tuple[FieldChange, ...]:
    """The fields that differ between two rows (either may be None: added or removed)."""
    changes = []
    for field in model._meta.concrete_fields:
        if field.name in HIDDEN:
            continue
        before = getattr(old, field.attname) if old is not None else None
        after = getattr(new, field.attname) if new is not None else None
        if before == after or (old is None and after in (None, "", False)):
            continue
        if new is None and before in (None, "", False):
            continue
        changes.append(
            FieldChange(
                label=f"{prefix}{capfirst(field.verbose_name)}",
                old=readable_value(field, before, names.for_field(field.name)),
                new=readable_value(field, after, names.for_field(field.name)),
            )
        )
    return tuple(changes)


def agreement_history(*, agreement: Agreement) -> list[HistoryEntry]:
    """Every change to the agreement, its content and its signatories, newest first."""
    kinds = [(Agreement, "Agreement details", agreement.history.all())]
    kinds += [
        (model, heading, model.history.filter(agreement_id=agreement.pk))
        for model, heading in CONTENT_MODELS
    ]
    kinds.append((Signatory, "Signatories", Signatory.history.filter(agreement_id=agreement.pk)))
    loaded = [
        (
            model,
            heading,
            list(rows.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT]),
        )
        for model, heading, rows in kinds
    ]
    names = _names(record for _, _, records in loaded for record in records)
    entries: list[HistoryEntry] = []
    for model, heading, records in loaded:
        previous: dict[int, object] = {}
        for record in reversed(records):
            before = previous.get(record.id)
            subject = (
                heading if model is Agreement else f"{heading}: {_subject(model, record, names)}"
            )
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=history_actor(record),
                    subject=subject,
                    action=ACTIONS.get(record.history_type, "Changed"),
                    changes=()
                    if record.history_type == "-"
                    else _changes(model, before, record, names),
                )
            )
            previous[record.id] = record
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


# --- Between two versions --------------------------------------------------------------------


@dataclass(frozen=True)
class VersionDiff:
    from_version: int
    # None: the agreement as it stands now (a draft of the next version, say).
    to_version: int | None
    approved_by: str
    approved_at: datetime | None
    changes: tuple[FieldChange, ...]


def _approval(agreement: Agreement, version: int) -> AgreementTransition:
    transition = (
        AgreementTransition.objects.filter(
            agreement=agreement, action=AgreementAction.APPROVE, document_version=version
        )
        .select_related("actor__user")
        .first()
    )
    if transition is None:
        raise Http404(f"Version {version} of this agreement was never approved.")
    return transition


def _as_of(model, moment: datetime, condition: Q) -> dict[int, object]:
    """Each row of `model` as it stood at `moment` (rows removed by then left out)."""
    latest: dict[int, object] = {}
    for record in model.history.filter(condition, history_date__lte=moment).order_by(
        "history_date", "history_id"
    ):
        latest[record.id] = record
    return {pk: record for pk, record in latest.items() if record.history_type != "-"}


def agreement_version_diff(
    *, agreement: Agreement, from_version: int, to_version: int | None = None
) -> VersionDiff:
    """What changed between two approved versions (or since one, with no `to_version`): each
    field and each item of content, as label, old → new, with who approved the newer and when."""
    start = _approval(agreement, from_version)
    end = _approval(agreement, to_version) if to_version is not None else None
    end_moment = end.at if end else timezone.now()
    own = Q(id=agreement.pk)
    before = _as_of(Agreement, start.at, own).get(agreement.pk)
    after = _as_of(Agreement, end_moment, own).get(agreement.pk)
    snapshots = [
        (model, heading, _as_of(model, start.at, Q(agreement_id=agreement.pk)),
         _as_of(model, end_moment, Q(agreement_id=agreement.pk)))
        for model, heading in CONTENT_MODELS
    ]  # fmt: skip
    names = _names(
        [before, after]
        + [r for _, _, old, new in snapshots for r in (*old.values(), *new.values())]
    )
    changes = list(_changes(Agreement, before, after, names))
    for model, heading, old, new in snapshots:
        for pk in sorted(old.keys() | new.keys()):
            was, now = old.get(pk), new.get(pk)
            subject = _subject(model, now or was, names)
            if was is None:
                changes.append(FieldChange(f"{heading} added", "Not included", subject))
            elif now is None:
                changes.append(FieldChange(f"{heading} removed", subject, "Removed"))
            else:
                changes.extend(_changes(model, was, now, names, prefix=f"{heading} “{subject}”: "))
    approver = end.actor.user.full_name if end and end.actor else ("Sharewell" if end else "")
    return VersionDiff(
        from_version=from_version,
        to_version=to_version,
        approved_by=approver,
        approved_at=end.at if end else None,
        changes=tuple(changes),
    )
