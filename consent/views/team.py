"""The team around the child: adding an organisation (and person), making someone the lead
professional, taking someone off the team. Each re-syncs who may see the child's record (the
services do)."""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import ValidationError
from django.http import Http404

from agreements.views.base import LoadsObjectFirst
from consent import services
from consent.access import subjects_visible_to
from consent.forms import ConfirmForm, TeamEndForm, TeamMemberForm
from consent.models import TeamMember
from consent.views.base import ChildFormPage, SubjectMixin, subject_url
from partners.models import Membership


def team_member_get_for(membership: Membership, public_id) -> TeamMember:
    """A member of the team around a child the user may see; anything else is Http404."""
    visible = subjects_visible_to(membership).values("pk")
    try:
        return TeamMember.objects.select_related("subject", "organisation").get(
            public_id=public_id, subject__in=visible
        )
    except (TeamMember.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such team member.") from None


class TeamAddView(SubjectMixin, ChildFormPage):
    required_capability = "consent.record"
    form_class = TeamMemberForm
    heading = "Add to the team around the child"
    submit_label = "Add to the team"
    intro = (
        "The organisation sees the child's record from now on. Add a person's name when you "
        "know who it is.",
    )
    success_message = "{result.organisation} has been added to the team around the child."

    def page_subject(self):
        return self.subject

    def perform(self, form):
        data = form.cleaned_data
        return services.team_member_add(
            actor=self.request.membership,
            subject=self.subject,
            organisation=data["organisation"],
            role=data["role"],
            person_name=data["person_name"],
            is_lead=data["is_lead"],
            started_on=data["started_on"],
        )

    def success_url_for(self, member) -> str:
        return subject_url(self.subject, "team")


class TeamMemberPage(LoadsObjectFirst, ChildFormPage):
    """A page about one member of a child's team, found through the child's access function."""

    required_capability = "consent.record"

    @cached_property
    def member(self) -> TeamMember:
        return team_member_get_for(self.request.membership, self.kwargs["id"])

    def load(self) -> None:
        _ = self.member

    def page_subject(self):
        return self.member.subject

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def success_url_for(self, member) -> str:
        return subject_url(self.member.subject, "team")


class TeamEndView(TeamMemberPage):
    form_class = TeamEndForm
    submit_label = "Take off the team"
    warning = True
    success_message = "{result.organisation} has left the team around the child."

    def get_heading(self) -> str:
        return f"Take {self.member.person_label or self.member.organisation.name} off the team"

    def get_intro(self):
        return (
            "Their organisation stops seeing the child's record unless it is involved in another "
            "way (the child's setting, or a consent that names it). The team keeps the record "
            "of who was involved when.",
        )

    def perform(self, form):
        return services.team_member_end(
            actor=self.request.membership,
            member=self.member,
            reason=form.cleaned_data["reason"],
            ended_on=form.cleaned_data["ended_on"],
        )


class TeamLeadView(TeamMemberPage):
    form_class = ConfirmForm
    submit_label = "Make lead professional"
    success_message = "The lead professional has been changed."

    def get_heading(self) -> str:
        who = self.member.person_label or self.member.organisation.name
        return f"Make {who} the lead professional"

    def get_intro(self):
        return (
            "The lead professional is the key contact for the child, and is told when shared "
            "information is found to be inaccurate. The current lead stays in the team.",
        )

    def perform(self, form):
        return services.team_set_lead(actor=self.request.membership, member=self.member)
