"""What forms across the apps share: putting a service's errors back on a form, checking an
uploaded document, model validators on a form, and the choice fields for an organisation or a
member of the active partnership (their options read only what an option shows)."""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from pathlib import Path

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.forms.models import ModelChoiceIterator

from partners.forms_rendering import FlatSelect, PrebuiltSelect, options_markup
from partners.models import Membership, Organisation
from partners.tenancy import get_active_tenant


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each field's messages on that field, the
    rest (and fields the form does not have) at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


# --- Uploaded documents ----------------------------------------------------------------------

MEGABYTE = 1024 * 1024
DOCUMENT_TYPES = {"pdf": "PDF", "docx": "DOCX", "odt": "ODT"}
EVIDENCE_TYPES = {**DOCUMENT_TYPES, "png": "PNG", "jpg": "JPG", "jpeg": "JPG"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _content_matches(extension: str, upload) -> bool:
    """Whether the file is what its name says: its first bytes, or for the zip-based office
    formats, the parts every such document has."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if extension == "pdf":
            return head.startswith(b"%PDF-")
        if extension == "png":
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        if extension in ("jpg", "jpeg"):
            return head.startswith(b"\xff\xd8\xff")
        if not head.startswith(b"PK\x03\x04"):
            return False
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension == "docx":
                return "[Content_Types].xml" in names and "word/document.xml" in names
            if extension == "odt":
                return "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    finally:
        upload.seek(0)
    return False


def clean_document(upload, *, allowed: dict[str, str], max_megabytes: int):
    """Check an uploaded document's type (by name and by content) and size, and give it a
    random stored name: the name someone gave a file on their own computer is not kept."""
    if upload is None:
        return None
    labels = sorted(set(allowed.values()), key=list(allowed.values()).index)
    kinds = ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else labels[0]
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if upload.size == 0:
        raise ValidationError("The selected file is empty")
    if extension not in allowed:
        raise ValidationError(f"The selected file must be a {kinds}")
    if upload.size > max_megabytes * MEGABYTE:
        raise ValidationError(f"The selected file must be smaller than {max_megabytes}MB")
    if not _content_matches(extension, upload):
        raise ValidationError(f"The selected file is not a real {allowed[extension]} file")
    upload.name = f"{uuid.uuid4().hex}.{extension}"
    return upload


# --- Organisations ---------------------------------------------------------------------------


class ModelValidatorsMixin:
    """Runs the model fields' own validators (a postcode's shape, an ODS code's) with the form's,
    so that every error shows at once; the service validates the whole record again."""

    def _post_clean(self) -> None:
        model = self._meta.model
        for name, value in list(self.cleaned_data.items()):
            if name not in self._meta.fields or value in (None, ""):
                continue
            try:
                model._meta.get_field(name).run_validators(value)
            except ValidationError as error:
                self.add_error(name, error)


class NameOptions(ModelChoiceIterator):
    """Options as (public id, name) pairs straight from the database: a partnership has a
    thousand organisations, and a model instance for each option of each list cost the sharing
    log's page a third of its time (docs/performance.md)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for public_id, name in self.queryset.values_list("public_id", "name"):
            yield (str(public_id), name)


# How long a partnership's written organisation options are kept without being asked for.
OPTIONS_KEPT_FOR = 60 * 60


def organisation_options(queryset, *, empty_label: str | None) -> str:
    """The <option>s of the organisations in `queryset`, the empty choice first, written as
    PrebuiltSelect takes them: written once and kept (in Django's cache) while none of them
    changes. Every change to an organisation is a save(), which moves its updated_at, and the
    key holds the number of organisations and the latest updated_at, so a page never shows a
    stale name; asking costs one aggregate over the partnership's organisations. Writing two
    lists of 1,000 organisations was a sixth of the sharing log page (docs/performance.md)."""
    state = queryset.order_by().aggregate(count=Count("pk"), changed=Max("updated_at"))
    # Which organisations and which empty choice: two lists of the same organisations may
    # offer different empty choices ("Any organisation", "Select one").
    which = hashlib.sha256(f"{queryset.query}\n{empty_label}".encode()).hexdigest()[:16]
    changed = state["changed"].isoformat() if state["changed"] else "-"
    key = f"organisation-options:{get_active_tenant().public_id}:{which}:{state['count']}:{changed}"
    markup = cache.get(key)
    if markup is None:
        empty = [("", empty_label)] if empty_label is not None else []
        markup = options_markup([*empty, *queryset.values_list("public_id", "name")])
        cache.set(key, markup, OPTIONS_KEPT_FOR)
    return markup


class PersonSearchField(forms.CharField):
    """A box to find a person by part of their name or email address (people_matching)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", "Part of their name or email address")
        super().__init__(
            required=False,
            max_length=254,
            widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
            **kwargs,
        )


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation of the active partnership, named by its public id in the page.

    Its choices are read when the form is made, inside the request's tenant (a form class is
    defined before any tenant is active): `only_active` leaves out former partners. The options
    read only the name and public id (a partnership has a thousand organisations); the chosen
    one is read whole when the form is cleaned.
    """

    iterator = NameOptions
    widget = FlatSelect

    def __init__(self, *, only_active: bool = False, **kwargs) -> None:
        self.only_active = only_active
        super().__init__(queryset=None, to_field_name="public_id", **kwargs)

    def load_choices(self, exclude: Organisation | None = None) -> None:
        queryset = Organisation.objects.order_by("name")
        if self.only_active:
            queryset = queryset.filter(is_active=True)
        if exclude is not None:
            queryset = queryset.exclude(pk=exclude.pk)
        self.queryset = queryset

    def to_python(self, value):
        # A value that is not an id at all (an edited address) is a choice not on the list, as
        # another partnership's organisation is, not a message about UUIDs.
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code == "invalid_choice":
                raise
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def prebuild_options(self, prebuilt: str | None = None) -> None:
        """Write the options with organisation_options (kept while the organisations are
        unchanged) instead of for each form: for the long lists of a page many people load.
        `prebuilt`: options already found for the same organisations and empty label."""
        self.widget = prebuilt_widget(
            self, prebuilt or organisation_options(self.queryset, empty_label=self.empty_label)
        )


def prebuilt_widget(field: forms.ChoiceField, prebuilt: str) -> PrebuiltSelect:
    """A PrebuiltSelect in place of the field's select, with its attributes."""
    widget = PrebuiltSelect(attrs=field.widget.attrs)
    widget.is_required = field.required
    widget.prebuilt = prebuilt
    return widget


class OrganisationChoiceMixin:
    """Loads the choices of every OrganisationChoiceField of the form for the active tenant."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, OrganisationChoiceField):
                field.load_choices()


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return str(obj.user)

    def hint_from_instance(self, obj: Membership) -> str:
        return obj.get_role_display()
