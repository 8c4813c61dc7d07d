"""The breaches API: the register (filters, reporting, one breach in full), its milestones (each
recorded done through its own endpoint), the partners to be told, and the partners' meeting step
by step. Thin callers of breaches.services and breaches.selectors: a breach the caller may not
see is a 404 before anything else, a rule broken is a 400 naming the field, and a step that is
another organisation's to record is a 403."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, status
from rest_framework.decorators import action

from breaches import services
from breaches.api import serializers as s
from breaches.models import BreachMeeting, BreachReport
from breaches.selectors import (
    breach_get_for,
    breach_meeting,
    breach_register,
    meeting_step,
    milestone_get_for,
    partner_notification_get_for,
)
from partners.api.shell import TenantViewSet
from partners.reminders import local_today

WRITE = (
    "A manager records the steps that are their organisation's (403 otherwise); the IG officer "
    "records any. A rule broken is a 400 naming the field."
)


def _today(membership):
    return local_today(membership.tenant)


def _filter_errors(view):
    """A filter naming an organisation or agreement the caller cannot see, or an unknown status
    or stage, is a 400 on that parameter."""
    for field, codes in (
        ("organisation_in_breach", ["does_not_exist", "invalid"]),
        ("agreement", ["does_not_exist", "invalid"]),
        ("status", ["invalid"]),
        ("stage", ["invalid"]),
        ("overdue", ["invalid"]),
    ):
        view = extend_validation_errors(codes, field_name=field, actions=["list"])(view)
    return view


@_filter_errors
@extend_schema_view(
    list=extend_schema(
        summary="The register of breaches",
        description="The breaches you may see (the IG officer and the auditor: all; a manager: "
        "those their organisation reported, is in breach of, was to be told of, or convenes the "
        "meeting of), each with its next milestone and whether anything is overdue. Open "
        "breaches unless `status` says otherwise. Newest reported first (cursor pagination).",
        parameters=[s.BreachFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="One breach with its milestones and the partners to be told",
        responses={200: s.BreachDetailSerializer},
    ),
    create=extend_schema(
        summary="Report a breach of protocol",
        description="Copies the agreement's deadline rules onto the breach, computes each "
        "milestone in working days from the day it was identified, lists the partners to be "
        "told and, with personal data, opens the 72-hour ICO assessment. " + WRITE,
        request=s.BreachCreateSerializer,
        responses={201: s.BreachDetailSerializer},
    ),
)
class BreachViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet
):
    serializer_class = s.BreachSerializer
    required_capability = {"create": "breaches.report", "default": "breaches.view"}

    def get_queryset(self):
        # With the request in its context: the agreement must be one the caller may read.
        params = s.BreachFilterSerializer(
            data=self.request.query_params, context=self.get_serializer_context()
        )
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        organisation = filters.get("organisation_in_breach")
        agreement = filters.get("agreement")
        return breach_register(
            viewer=self.request.membership,
            on=_today(self.request.membership),
            status=filters.get("status", "open"),
            stage=filters.get("stage", ""),
            organisation_in_breach=organisation.pk if organisation else None,
            agreement=agreement.pk if agreement else None,
            overdue_only=filters["overdue"],
        )

    def get_object(self) -> BreachReport:
        return breach_get_for(self.request.membership, self.kwargs[self.lookup_url_kwarg])

    def respond_detail(self, breach: BreachReport, status_code: int = status.HTTP_200_OK):
        """The breach as it stands, read afresh with its register annotations."""
        fresh = (
            breach_register(
                viewer=self.request.membership, on=_today(self.request.membership), status=""
            )
            .select_related("reported_by", "closed_by", "tenant")
            .prefetch_related(
                "milestones__responsible_organisation",
                "milestones__completed_by",
                "partner_notifications__organisation",
                "partner_notifications__told_by",
            )
            .get(pk=breach.pk)
        )
        return self.respond(s.BreachDetailSerializer, fresh, status_code)

    def retrieve(self, request, *args, **kwargs):
        return self.respond_detail(self.get_object())

    def create(self, request, *args, **kwargs):
        payload = s.BreachCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        fields.setdefault("reporting_organisation", request.membership.organisation)
        breach = services.breach_report(actor=request.membership, **fields)
        return self.respond_detail(breach, status.HTTP_201_CREATED)


class UnderBreachViewSet(TenantViewSet):
    """Base of the viewsets under one breach (/api/breaches/{id}/…). The breach is loaded first,
    whatever the method: one the caller may not see is a 404 before any 403, 405 or 400."""

    required_capability = {"default": "breaches.view"}
    pagination_class = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.breach = breach_get_for(request.membership, kwargs["id"])

    def under_breach(self, obj):
        if obj.breach_id != self.breach.pk:
            raise Http404("Not under this breach.")
        return obj

    def payload(self, serializer_class) -> dict:
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)


@extend_schema_view(
    list=extend_schema(summary="A breach's milestones, in the order they fall due"),
    retrieve=extend_schema(summary="One milestone"),
    complete=extend_schema(
        summary="Record a milestone done, with its evidence",
        description="The breach report distributed by the organisation in breach (Haringey "
        "6.2); 'partners notified' only when there is nobody to tell (otherwise it is met by "
        "recording each partner told). The meeting and its minutes are recorded on the meeting. "
        + WRITE,
        request=s.MilestoneCompleteSerializer,
        responses={200: s.MilestoneSerializer},
    ),
)
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, UnderBreachViewSet):
    serializer_class = s.MilestoneSerializer
    lookup_url_kwarg = "milestone_id"
    required_capability = {"complete": "breaches.report", "default": "breaches.view"}

    def get_queryset(self):
        return self.breach.milestones.select_related("breach__tenant").order_by("position")

    def get_object(self):
        return self.under_breach(
            milestone_get_for(self.request.membership, self.kwargs[self.lookup_url_kwarg])
        )

    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        done = services.breach_milestone_complete(
            actor=request.membership,
            milestone=self.get_object(),
            **self.payload(s.MilestoneCompleteSerializer),
        )
        return self.respond(s.MilestoneSerializer, done)


@extend_schema_view(
    list=extend_schema(
        summary="The partner organisations to be told of the breach",
        description="'Partners notified' is met when every one has been told.",
    ),
    told=extend_schema(
        summary="Record that a partner organisation was told",
        description="Who was told, when and how. " + WRITE,
        request=s.PartnerToldSerializer,
        responses={200: s.PartnerNotificationSerializer},
    ),
    acknowledged=extend_schema(
        summary="Record that a partner organisation acknowledged it",
        request=s.AcknowledgedSerializer,
        responses={200: s.PartnerNotificationSerializer},
    ),
)
class PartnerViewSet(mixins.ListModelMixin, UnderBreachViewSet):
    serializer_class = s.PartnerNotificationSerializer
    lookup_url_kwarg = "partner_id"
    required_capability = {
        "told": "breaches.report",
        "acknowledged": "breaches.report",
        "default": "breaches.view",
    }

    def get_queryset(self):
        return self.breach.partner_notifications.select_related("organisation", "told_by")

    def get_object(self):
        return self.under_breach(
            partner_notification_get_for(self.request.membership, self.kwargs["partner_id"])
        )

    @action(detail=True, methods=["post"])
    def told(self, request, *args, **kwargs):
        row = self.get_object()
        told = services.breach_partner_told(
            actor=request.membership,
            breach=self.breach,
            organisation=row.organisation,
            **self.payload(s.PartnerToldSerializer),
        )
        return self.respond(s.PartnerNotificationSerializer, told)

    @action(detail=True, methods=["post"])
    def acknowledged(self, request, *args, **kwargs):
        row = self.get_object()
        services.breach_partner_acknowledged(
            actor=request.membership,
            notification=row,
            **self.payload(s.AcknowledgedSerializer),
        )
        return self.respond(s.PartnerNotificationSerializer, row)


def _step(summary: str, request, description: str = ""):
    return extend_schema(
        summary=summary,
        description=(description + " " if description else "")
        + "The agreement's owner convenes the meeting: its managers and the IG officer record "
        "it (403 for others). Each step is refused (400) until the one before it is recorded.",
        request=request,
        responses={200: s.MeetingSerializer},
    )


@extend_schema_view(
    retrieve=extend_schema(
        summary="The partners' meeting record",
        description="404 until the meeting has been scheduled or held.",
        responses={200: s.MeetingSerializer},
    ),
    schedule=_step("Schedule the meeting", s.ScheduleSerializer, "The partners are told."),
    held=_step(
        "Record the meeting as held",
        s.HeldSerializer,
        "Meets the meeting milestone; the minutes fall due from this date.",
    ),
    attendees=_step("Add an attendee", s.AttendeeInputSerializer),
    presented=_step("The organisation in breach presented its report", s.PresentedSerializer),
    withdrew=_step("The organisation in breach withdrew for deliberation", s.WithdrewSerializer),
    decision=_step("The partners' decision: sanctions", s.MeetingDecisionSerializer),
    recalled=_step("The organisation in breach was recalled and told", s.RecalledSerializer),
    actions=_step("Add an agreed action", s.AgreedActionInputSerializer),
    minutes=_step("Write the minutes", s.MinutesSerializer),
    circulated=_step(
        "Record the minutes circulated",
        s.CirculatedSerializer,
        "Meets the last milestone (Haringey 6.6).",
    ),
)
class MeetingViewSet(UnderBreachViewSet):
    """/api/breaches/{id}/meeting/…"""

    serializer_class = s.MeetingSerializer
    required_capability = {"retrieve": "breaches.view", "default": "breaches.report"}

    def meeting(self, *, required: bool = True) -> BreachMeeting | None:
        meeting = breach_meeting(breach=self.breach)
        if meeting is None and required:
            raise Http404("The meeting has not been scheduled or held yet.")
        return meeting

    def respond_meeting(self):
        meeting = self.meeting()
        meeting.step = meeting_step(meeting)
        return self.respond(s.MeetingSerializer, meeting)

    def retrieve(self, request, *args, **kwargs):
        return self.respond_meeting()

    def _on_meeting(self, service, serializer_class):
        service(
            actor=self.request.membership, meeting=self.meeting(), **self.payload(serializer_class)
        )
        return self.respond_meeting()

    def _on_breach(self, service, serializer_class):
        service(actor=self.request.membership, breach=self.breach, **self.payload(serializer_class))
        return self.respond_meeting()

    @action(detail=False, methods=["post"])
    def schedule(self, request, *args, **kwargs):
        return self._on_breach(services.breach_meeting_schedule, s.ScheduleSerializer)

    @action(detail=False, methods=["post"])
    def held(self, request, *args, **kwargs):
        return self._on_breach(services.breach_meeting_held, s.HeldSerializer)

    @action(detail=False, methods=["post"])
    def attendees(self, request, *args, **kwargs):
        return self._on_meeting(services.breach_meeting_add_attendee, s.AttendeeInputSerializer)

    @action(detail=False, methods=["post"])
    def presented(self, request, *args, **kwargs):
        return self._on_meeting(services.breach_meeting_presented, s.PresentedSerializer)

    @action(detail=False, methods=["post"])
    def withdrew(self, request, *args, **kwargs):
        return self._on_meeting(services.breach_meeting_withdrew, s.WithdrewSerializer)

    @action(detail=False, methods=["post"])
    def decision(self, request, *args, **kwargs):
        return self._on_meeting(services.breach_meeting_decide, s.MeetingDecisionSerializer)

    @action(detail=False, methods=["post"])
    def recalled(self, request, *args, **kwargs):
        return self._on_meeting(services.breach_meeting_recalled, s.RecalledSerializer)

    @action(detail=False, methods=["post"])
    def actions(self, request, *args, **kwargs):
        return self._on_breach(services.breach_action_add, s.AgreedActionInputSerializer)

    @action(detail=False, methods=["post"])
    def minutes(self, request, *args, **kwargs):
        return self._on_meeting(services.breach_minutes_record, s.MinutesSerializer)

    @action(detail=False, methods=["post"])
    def circulated(self, request, *args, **kwargs):
        return self._on_meeting(services.breach_minutes_circulate, s.CirculatedSerializer)
