"""Editing an agreement's structured content, one list (a formset on the page) at a time.

`agreement_set_content(section="purposes", items=[...])` makes the list exactly `items`, in
that order: an item carrying the `public_id` of an existing row changes that row, one without
adds a row, and rows left out are removed. The whole list is validated before anything is
written, and the save is refused if the agreement changed since the editor loaded it.
Error keys are "<section>-<index>-<field>", a formset's own field names when its prefix is the
section's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from agreements.choices import LegalBasisKind
from agreements.models import (
    Agreement,
    AgreementChannel,
    AgreementLegalBasis,
    AgreementMethod,
    ConsentScope,
    DataItem,
    DataSubjectCategory,
    Exclusion,
    LegalBasis,
    Purpose,
    SharedSystem,
    Term,
)
from agreements.services._common import (
    claim_version,
    require,
    require_content_editable,
)
from partners.models import Membership


@dataclass(frozen=True)
class Section:
    model: type[models.Model]
    fields: tuple[str, ...]
    label: str
    # Fields that may appear only once in the list (a method, a channel, a legal basis).
    unique: str | None = None


SECTIONS: dict[str, Section] = {
    "purposes": Section(Purpose, ("service", "description"), "Purposes"),
    "data_items": Section(
        DataItem, ("level", "name", "special_category", "criminal_offence"), "Data items"
    ),
    "data_subjects": Section(DataSubjectCategory, ("description",), "Whose information"),
    "legal_bases": Section(
        AgreementLegalBasis, ("basis", "how_it_applies"), "Legal bases", unique="basis"
    ),
    "methods": Section(AgreementMethod, ("method", "notes"), "Sharing methods", unique="method"),
    "channels": Section(AgreementChannel, ("channel", "conditions"), "Channels", unique="channel"),
    "shared_systems": Section(SharedSystem, ("name", "description"), "Shared IT systems"),
    "exclusions": Section(Exclusion, ("service", "description"), "Services excluded from scope"),
    "terms": Section(Term, ("party", "party_name", "text"), "Terms"),
    "consent_scopes": Section(
        ConsentScope,
        ("name", "when_required", "signed_form_required"),
        "When signed consent is required",
        unique="name",
    ),
}


def agreement_set_content(
    *,
    actor: Membership,
    agreement: Agreement,
    expected_version: int,
    section: str,
    items: list[dict],
) -> list[models.Model]:
    """Replace one list of the agreement's content with `items` (see the module's docstring)."""
    try:
        spec = SECTIONS[section]
    except KeyError:
        raise TypeError(f"{section} is not a section of an agreement") from None
    require_content_editable(actor, agreement)
    existing = {str(row.public_id): row for row in spec.model.objects.filter(agreement=agreement)}
    rows, errors, seen = [], {}, {}
    for index, item in enumerate(items):
        item = dict(item)
        public_id = str(item.pop("public_id", "") or "")
        unknown = set(item) - set(spec.fields)
        if unknown:
            raise TypeError(f"{', '.join(sorted(unknown))} not in section {section}")
        if public_id and public_id not in existing:
            errors[f"{section}-{index}"] = ["This item is no longer on the agreement; reload."]
            continue
        row = existing.get(public_id) or spec.model(
            tenant_id=agreement.tenant_id, agreement=agreement
        )
        for name, value in item.items():
            setattr(row, name, value)
        row.position = index
        try:
            # Uniqueness is checked below across the whole new list, not against rows that
            # this same save may remove or reorder.
            row.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                key = f"{section}-{index}" if field == "__all__" else f"{section}-{index}-{field}"
                errors[key] = messages
            continue
        if spec.unique:
            value = getattr(row, f"{spec.unique}_id", None) or getattr(row, spec.unique)
            if value in seen:
                errors[f"{section}-{index}-{spec.unique}"] = ["This is already on the list."]
                continue
            seen[value] = index
        rows.append(row)
    if errors:
        raise ValidationError(errors)

    kept = {row.pk for row in rows if row.pk}
    with transaction.atomic():
        claim_version(agreement, expected_version)
        for row in existing.values():
            if row.pk not in kept:
                row._history_user = actor.user
                try:
                    row.delete()
                except ProtectedError:
                    raise ValidationError(
                        {
                            section: f"“{row}” is relied on elsewhere (by consent records) and "
                            "cannot be removed."
                        }
                    ) from None
        for row in rows:
            row._history_user = actor.user
            row.save()
    return rows


def legal_basis_add(
    *, actor: Membership, code: str, kind: str, citation: str, title: str, summary: str = ""
) -> LegalBasis:
    """Add a legal basis of the partnership's own (a local act, a statute not yet on the shared
    list); only this partnership's agreements can cite it."""
    require(actor, "agreements.manage")
    if kind not in LegalBasisKind.values:
        raise ValidationError({"kind": "Choose a kind of legal basis."})
    basis = LegalBasis(
        tenant=actor.tenant, code=code, kind=kind, citation=citation, title=title, summary=summary
    )
    basis.full_clean(validate_constraints=False)
    if LegalBasis.objects.available().filter(code=code).exists():
        raise ValidationError({"code": "A legal basis with this code already exists."})
    basis._history_user = actor.user
    basis.save()
    return basis
