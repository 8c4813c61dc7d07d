"""The API of the partnership's organisations: their full record, designated managers and
authorised information-sharing contacts. Thin callers of partners.services and selectors."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from partners.api.shell import (
    ErrorResponse409Serializer,
    PublicIdField,
    StoredFileNameField,
    TenantViewSet,
)
from partners.models import AuthorisedContact, Membership, Organisation, OrganisationType
from partners.selectors import (
    contact_get,
    contacts_for_organisation,
    organisation_directory,
    organisation_get,
    organisation_name_taken,
    organisation_urn_taken,
)
from partners.services import (
    ORGANISATION_EDITABLE_FIELDS,
    contact_add,
    contact_update,
    organisation_create,
    organisation_set_designated_managers,
    organisation_update,
)


def _default_of(model: type[models.Model], name: str):
    return model._meta.get_field(name).get_default()


# --- Organisations ---------------------------------------------------------------------------


ORGANISATION_API_FIELDS = [f for f in ORGANISATION_EDITABLE_FIELDS if f != "security_summary"]


class OrganisationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    designated_managers = serializers.SlugRelatedField(
        slug_field="public_id",
        many=True,
        read_only=True,
        help_text="Memberships (ids) of the senior managers who decide on overriding "
        "confidentiality for this organisation (Haringey 4.6, 8.3).",
    )
    security_summary = StoredFileNameField()
    version = serializers.IntegerField(
        read_only=True,
        help_text="Send it back unchanged with an update; a stale version is refused with 409.",
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            *ORGANISATION_API_FIELDS,
            "designated_managers",
            "security_summary",
            "version",
            "created_at",
            "updated_at",
        ]


class OrganisationInputSerializer(serializers.ModelSerializer):
    """An organisation's fields. The name and the URN are unique in the partnership: a clash is
    a 400 on that field (`unique`), as on the page, not a database constraint's message. The
    organisation being edited, if any, is `context["organisation"]`."""

    parent = PublicIdField(queryset=Organisation.objects, required=False, allow_null=True)

    class Meta:
        model = Organisation
        fields = ORGANISATION_API_FIELDS
        extra_kwargs = {
            "name": {
                "error_messages": {
                    "unique": "An organisation with this name is already in the partnership."
                }
            },
            "urn": {
                "error_messages": {
                    "unique": "Another organisation in the partnership has this URN."
                }
            },
            # The model's postcode validator's code, so that the schema documents it.
            "postcode": {"error_messages": {"invalid_postcode": "Enter a real postcode."}},
        }

    def validate_name(self, name: str) -> str:
        if organisation_name_taken(name=name, exclude=self.context.get("organisation")):
            self.fields["name"].fail("unique")
        return name

    def validate_urn(self, urn: str) -> str:
        if urn and organisation_urn_taken(urn=urn, exclude=self.context.get("organisation")):
            self.fields["urn"].fail("unique")
        return urn


class OrganisationUpdateSerializer(OrganisationInputSerializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text="The version you read. If someone saved the organisation since, nothing is "
        "saved and the answer is 409 Conflict.",
    )

    class Meta(OrganisationInputSerializer.Meta):
        fields = [*ORGANISATION_API_FIELDS, "version"]

    def validate(self, attrs):
        # Even a PATCH of one field says which version it edits.
        if "version" not in attrs:
            raise serializers.ValidationError(
                {"version": [self.fields["version"].error_messages["required"]]}, code="required"
            )
        return attrs


class OrganisationFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only organisations whose name contains this text.",
    )
    type = serializers.ChoiceField(choices=OrganisationType.choices, required=False)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


class DesignatedManagersSerializer(serializers.Serializer):
    designated_managers = PublicIdField(
        queryset=Membership.objects,
        many=True,
        help_text="Ids of the memberships to designate; the list replaces the current one.",
    )


_CONFLICT = {409: ErrorResponse409Serializer}


@extend_schema_view(
    list=extend_schema(
        summary="The partnership's organisations",
        description="Newest first, a page at a time: follow `next` (cursor pagination).",
        parameters=[OrganisationFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="One organisation of the partnership",
        description="Another partnership's organisation is a 404, as if it did not exist.",
    ),
    create=extend_schema(
        summary="Add an organisation",
        description="IG officers only. `parent` is the id of an organisation of your partnership.",
        request=OrganisationInputSerializer,
        responses={201: OrganisationSerializer},
    ),
    update=extend_schema(
        summary="Replace an organisation's details",
        description="IG officers only. Fields left out are cleared. Send the `version` you read: "
        "if someone saved the organisation since, the answer is 409 and nothing is saved.",
        request=OrganisationUpdateSerializer,
        responses={200: OrganisationSerializer, **_CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some of an organisation's details",
        description="IG officers only. Send the `version` you read: if someone saved the "
        "organisation since, the answer is 409 and nothing is saved.",
        request=OrganisationUpdateSerializer,
        responses={200: OrganisationSerializer, **_CONFLICT},
    ),
    designated_managers=extend_schema(
        summary="Set an organisation's designated managers",
        description="IG officers only. The list replaces the current designated managers.",
        request=DesignatedManagersSerializer,
        responses={200: OrganisationSerializer},
    ),
)
class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    """Organisations of the caller's partnership."""

    serializer_class = OrganisationSerializer
    required_capability = {
        "create": "organisations.manage",
        "update": "organisations.manage",
        "partial_update": "organisations.manage",
        "designated_managers": "organisations.manage",
        "default": "organisations.view",
    }

    def get_queryset(self):
        filters = self.query(OrganisationFilterSerializer)
        return organisation_directory(
            search=filters.get("search", "").strip(),
            type=filters.get("type", ""),
            is_active=filters.get("is_active"),
        )

    def get_object(self):
        organisation = organisation_get(public_id=self.kwargs[self.lookup_url_kwarg])
        self.check_object_permissions(self.request, organisation)
        return organisation

    def create(self, request, *args, **kwargs):
        payload = OrganisationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        organisation = organisation_create(actor=request.membership, **payload.validated_data)
        return self.respond(OrganisationSerializer, organisation, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        organisation = self.get_object()
        payload = OrganisationUpdateSerializer(
            data=request.data, partial=partial, context={"organisation": organisation}
        )
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        version = fields.pop("version")
        if not partial:
            # A PUT replaces the record: what it leaves out goes back to empty.
            fields = {
                name: fields.get(name, _default_of(Organisation, name))
                for name in ORGANISATION_API_FIELDS
            }
        organisation = organisation_update(
            actor=request.membership,
            organisation=organisation,
            expected_version=version,
            **fields,
        )
        return self.respond(OrganisationSerializer, organisation)

    @action(detail=True, methods=["put"], url_path="designated-managers")
    def designated_managers(self, request, *args, **kwargs):
        organisation = self.get_object()
        payload = DesignatedManagersSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        organisation_set_designated_managers(
            actor=request.membership,
            organisation=organisation,
            managers=payload.validated_data["designated_managers"],
        )
        return self.respond(
            OrganisationSerializer, organisation_get(public_id=organisation.public_id)
        )


# --- Authorised contacts ---------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    recorded_by = serializers.SlugRelatedField(
        slug_field="public_id",
        read_only=True,
        allow_null=True,
        help_text="The membership that last recorded a change.",
    )
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="When the contact was last changed."
    )

    class Meta:
        model = AuthorisedContact
        fields = [
            "id",
            "organisation",
            "name",
            "role",
            "email",
            "phone",
            "valid_from",
            "valid_to",
            "recorded_by",
            "created_at",
            "updated_at",
        ]


class ContactInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuthorisedContact
        fields = ["name", "role", "email", "phone", "valid_from", "valid_to"]


class ContactFilterSerializer(serializers.Serializer):
    current = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only contacts authorised today; false: only those who are not "
        "(ended, or not started yet).",
    )


@extend_schema_view(
    list=extend_schema(
        summary="An organisation's authorised information-sharing contacts",
        description="Newest first (cursor pagination). Another partnership's organisation is a "
        "404.",
        parameters=[ContactFilterSerializer],
    ),
    retrieve=extend_schema(summary="One authorised contact"),
    create=extend_schema(
        summary="Add an authorised contact",
        description="IG officers only.",
        request=ContactInputSerializer,
        responses={201: ContactSerializer},
    ),
    partial_update=extend_schema(
        summary="Change an authorised contact",
        description="IG officers only. To end someone's authority, set `valid_to`.",
        request=ContactInputSerializer,
        responses={200: ContactSerializer},
    ),
)
class ContactViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet
):
    """Authorised contacts of one organisation, under /api/organisations/{id}/contacts/."""

    serializer_class = ContactSerializer
    lookup_url_kwarg = "contact_id"
    required_capability = {
        "create": "organisations.manage",
        "partial_update": "organisations.manage",
        "default": "organisations.view",
    }

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The organisation comes first, whatever the method: another partnership's organisation
        # is a 404 before any 405 or validation error could tell that it exists.
        self.organisation = organisation_get(public_id=kwargs["id"])

    def get_queryset(self):
        filters = self.query(ContactFilterSerializer)
        return contacts_for_organisation(
            organisation=self.organisation, on=timezone.localdate(), current=filters["current"]
        )

    def get_object(self):
        contact = contact_get(
            organisation=self.organisation, public_id=self.kwargs[self.lookup_url_kwarg]
        )
        self.check_object_permissions(self.request, contact)
        return contact

    def create(self, request, *args, **kwargs):
        payload = ContactInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = contact_add(
            actor=request.membership, organisation=self.organisation, **payload.validated_data
        )
        return self.respond(ContactSerializer, contact, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        contact = self.get_object()
        payload = ContactInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        contact = contact_update(
            actor=request.membership, contact=contact, **payload.validated_data
        )
        return self.respond(ContactSerializer, contact)
