"""The demo children of the Kent & Medway demo partnership (see partners/demo.py for the hook).

Every child is invented: the names are made up (and marked by their surnames, which are not
real family names), the NHS numbers come from the 999 range the NHS keeps for testing, and the
Unique Pupil Numbers carry the LA number 999, which no local authority has; both pass their
check digit. Dates are relative to the day the seed runs, so the demo always has consents given,
refused, withdrawn, expired and due (or overdue) for review, a young person deciding for
themselves, a parent's consent waiting for the young person to renew it, and one for a child
just turned 12.

Everything is written through the services, by the demo SENCo for children of her school and by
the demo IG officer for the rest, so the demo obeys the rules the app enforces. Idempotent: a
child is found by their NHS number and, once there, left as they are; a second run writes
nothing. The Haringey demo partnership has nobody who may record consent, so it has no children.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from agreements.demo_data import SCHOOLS, SEND_SOP
from agreements.models import ConsentScope
from consent import services
from consent.ages import end_of_compulsory_school_age
from consent.choices import (
    CaptureMethod,
    ChildConfirmation,
    Decision,
    Gender,
    GiverKind,
    Relationship,
    Requester,
    SenStatus,
    SpecialCategory,
)
from consent.models import ConsentSettings, DataSubject
from consent.validators import nhs_check_digit, upn_check_letter

# The first demo NHS number is the first valid one after 999 100 000 (the test range).
NHS_BASE = 999_100_000
DEMO_LA = "999"

STATUTORY = "Statutory assessment and EHC plan"
FUNDING = "High Needs Funding and SCARF"
EARLY_HELP = "Early help"


@dataclass(frozen=True)
class Member:
    organisation: str
    role: str
    person: str = ""  # a demo member's key, or a name for someone not using Sharewell
    lead: bool = False


@dataclass(frozen=True)
class Child:
    forenames: str
    surname: str
    age: tuple[int, int]  # years and extra days, on the day the seed runs
    gender: Gender
    setting: str
    sen: SenStatus = SenStatus.NONE
    team: tuple[Member, ...] = ()
    # Consent stories, see `_consent`: given, due, overdue, refused, withdrawn, expired,
    # young_person, handover, twelve, funding.
    consents: tuple[str, ...] = ()
    aliases: str = ""
    access_request: bool = False


EP = Member("educational_psychology", "Educational psychologist", "multi")
EARLY_HELP_LEAD = Member("early_help", "Family support worker", "practitioner", lead=True)
EARLY_HELP_WORKER = Member("early_help", "Family support worker", "practitioner")
HEALTH_VISITOR = Member("nhs_trust", "Health visitor", "Joanne Pike (demo)")
SCHOOL_NURSE = Member("nhs_trust", "School nurse", "Ade Olawale (demo)")
SEN_OFFICER = Member("sen_service", "SEN case officer", "Fiona Grant (demo)", lead=True)
YOUTH_WORKER = Member("youth_justice", "Youth justice officer", "Kieran Moss (demo)")

G, B, X = Gender.FEMALE, Gender.MALE, Gender.ANOTHER
S = SenStatus

# Each child: name, (age in years, extra days), gender, setting, SEN provision, team,
# consent stories.
# fmt: off
CHILDREN: tuple[Child, ...] = (
    # Hopfield Primary School: the demo SENCo's own pupils.
    Child("Ava", "Sampleton", (7, 40), G, "primary_school", S.EHC_PLAN, (EP,), ("given",)),
    Child("Noah", "Testwood", (9, 200), B, "primary_school", S.ASSESSMENT, (EP,), ("due",)),
    Child("Isla", "Fablewick", (6, 10), G, "primary_school", S.SEN_SUPPORT, (EARLY_HELP_LEAD,),
          ("refused",)),
    Child("Leo", "Mockridge", (10, 90), B, "primary_school", S.SEN_SUPPORT,
          (EARLY_HELP_LEAD, SCHOOL_NURSE), ("withdrawn", "given")),
    Child("Freya", "Pretendale", (8, 300), G, "primary_school", S.EHC_PLAN, (EP,), ("overdue",)),
    Child("Oscar", "Inventon", (5, 20), B, "primary_school", S.NONE, (), ()),
    Child("Maya", "Storyford", (11, 150), G, "primary_school", S.EHC_PLAN, (EP, SEN_OFFICER),
          ("expired", "funding")),
    Child("Theo", "Notwell", (12, 30), B, "primary_school", S.SEN_SUPPORT, (EARLY_HELP_LEAD,),
          ("twelve",), access_request=True),
    Child("Ruby", "Placeworth", (9, 10), G, "primary_school", S.SEN_SUPPORT, (EARLY_HELP_WORKER,),
          ("due",), aliases="Ruby Placeworth-Gale"),
    Child("Arlo", "Fictonby", (7, 250), B, "primary_school", S.NONE, (), ("refused",)),
    # Little Acorns Nursery.
    Child("Poppy", "Makebury", (3, 100), G, "nursery", S.SEN_SUPPORT, (HEALTH_VISITOR,),
          ("given",)),
    Child("Finn", "Dreamley", (2, 200), B, "nursery", S.NONE, (HEALTH_VISITOR,), ()),
    Child("Willow", "Talesby", (4, 30), G, "nursery", S.ASSESSMENT, (HEALTH_VISITOR, EP),
          ("due",)),
    Child("Jude", "Yarnfield", (3, 300), B, "nursery", S.SEN_SUPPORT, (), ("withdrawn",)),
    # Oast House Academy.
    Child("Evie", "Sampleford", (14, 60), G, "academy", S.SEN_SUPPORT, (EARLY_HELP_LEAD,),
          ("young_person",)),
    Child("Harry", "Testbury", (13, 200), B, "academy", S.EHC_PLAN, (EP,), ("given", "funding")),
    Child("Zara", "Mockington", (12, 120), G, "academy", S.NONE, (), ()),
    Child("Kai", "Fablestone", (15, 100), X, "academy", S.SEN_SUPPORT, (YOUTH_WORKER,),
          ("young_person",)),
    Child("Millie", "Pretendon", (11, 340), G, "academy", S.ASSESSMENT, (EP,), ("overdue",)),
    Child("Ezra", "Inventham", (16, 400), B, "academy", S.EHC_PLAN, (EP,), ("handover",)),
    # Wealdgate Free School.
    Child("Lily", "Storyhurst", (12, 250), G, "free_school", S.SEN_SUPPORT, (), ("expired",)),
    Child("Reuben", "Notbury", (14, 10), B, "free_school", S.EHC_PLAN, (EP, SEN_OFFICER),
          ("given",)),
    Child("Ada", "Placeford", (13, 90), G, "free_school", S.NONE, (EARLY_HELP_LEAD,),
          ("withdrawn",)),
    Child("Sonny", "Fictonley", (15, 200), B, "free_school", S.SEN_SUPPORT, (), ("due",)),
    # Orchard Vale Special School (to 19, and young people to 25 with an EHC plan).
    Child("Iris", "Makeham", (8, 100), G, "special_school", S.EHC_PLAN, (EP, SCHOOL_NURSE),
          ("given",)),
    Child("Jasper", "Dreamford", (17, 30), B, "special_school", S.EHC_PLAN, (EP, SEN_OFFICER),
          ("handover",)),
    Child("Nell", "Talesford", (19, 200), G, "special_school", S.EHC_PLAN, (SEN_OFFICER,),
          ("young_person",)),
    Child("Otis", "Yarnley", (22, 50), B, "special_school", S.EHC_PLAN, (SEN_OFFICER,),
          ("young_person",)),
    Child("Elsie", "Samplewick", (11, 20), G, "special_school", S.EHC_PLAN, (EP,),
          ("expired", "given")),
    Child("Rowan", "Testridge", (10, 180), X, "special_school", S.EHC_PLAN, (EP, SCHOOL_NURSE),
          ("overdue",)),
    Child("Hattie", "Mockley", (16, 30), G, "special_school", S.EHC_PLAN, (EARLY_HELP_LEAD,),
          ("refused",)),
    Child("Albie", "Fablemore", (6, 60), B, "special_school", S.EHC_PLAN, (EP,), ("withdrawn",)),
)
# fmt: on


def demo_nhs_numbers():
    candidate = NHS_BASE
    while True:
        candidate += 1
        check = nhs_check_digit(str(candidate))
        if check is not None:
            yield f"{candidate}{check}"


def demo_upn(index: int, entered: int) -> str:
    rest = f"{DEMO_LA}{2100 + index % 7:04d}{entered % 100:02d}{index:03d}"
    return upn_check_letter(rest) + rest


@dataclass
class _Story:
    """The people and things a consent story uses."""

    demo: object
    today: date
    scopes: dict[str, ConsentScope] = field(default_factory=dict)


def extend_demo(demo) -> None:
    if demo.key != "kent":
        return
    senco, officer = demo.members.get("senco"), demo.members.get("ig_officer")
    if senco is None or officer is None:
        return
    story = _Story(demo=demo, today=timezone.localdate())
    story.scopes = {
        scope.name: scope
        for scope in ConsentScope.objects.filter(agreement__title__in=[SEND_SOP, SCHOOLS])
    }
    if ConsentSettings.objects.first() is None:
        services.consent_settings_update(actor=officer, review_months=12, review_at_twelve=True)
    for index, (spec, nhs_number) in enumerate(zip(CHILDREN, demo_nhs_numbers(), strict=False)):
        if DataSubject.objects.filter(nhs_number=nhs_number).exists():
            continue
        actor = senco if spec.setting == "primary_school" else officer
        _child(story, spec, index, nhs_number, actor)


def _child(story: _Story, spec: Child, index: int, nhs_number: str, actor) -> None:
    demo, today = story.demo, story.today
    born = today - relativedelta(years=spec.age[0]) - timedelta(days=spec.age[1])
    school_age = spec.setting != "nursery"
    subject = services.subject_create(
        actor=actor,
        forenames=spec.forenames,
        surname=spec.surname,
        aliases=spec.aliases,
        date_of_birth=born,
        gender=spec.gender,
        address_line_1=f"{index + 1} Demo Row",
        town="Maidstone",
        postcode="ME14 1ZZ",
        nhs_number=nhs_number,
        upn=demo_upn(index, born.year + 5) if school_age else "",
        current_setting=demo.organisation(spec.setting),
        sen_status=spec.sen,
        confirmed_different=True,
        team_role="SENCo",
    )
    for member in spec.team:
        person = demo.members.get(member.person)
        services.team_member_add(
            actor=actor,
            subject=subject,
            organisation=demo.organisation(member.organisation),
            role=member.role,
            membership=person,
            person_name="" if person else member.person,
            is_lead=member.lead,
            started_on=max(born, today - timedelta(days=200)),
        )
    for story_name in spec.consents:
        _consent(story, subject, story_name, actor)
    if spec.access_request:
        services.subject_access_request_record(
            actor=actor,
            subject=subject,
            requester=Requester.PARENT,
            requester_name=f"Sam {spec.surname}",
            received_on=today - timedelta(days=20),
            child_confirmation_sought=True,
            child_confirmation=ChildConfirmation.CONFIRMED,
            notes="Copy of the school's SEN records requested by a parent.",
        )


def _consent(story: _Story, subject: DataSubject, name: str, actor) -> None:
    demo, today = story.demo, story.today
    born = subject.date_of_birth
    handover = end_of_compulsory_school_age(born)
    young_person = {
        "giver_kind": GiverKind.YOUNG_PERSON,
        "competence_assessment": (
            "Talked it through in a quiet room: explained back in their own words what would be "
            "shared, with whom and why, and that they can change their mind."
        ),
    }
    send = {
        "scopes": [story.scopes[STATUTORY]],
        "recipients": [
            demo.organisation("sen_service"),
            demo.organisation("educational_psychology"),
            demo.organisation("nhs_trust"),
        ],
        "explicit_special_category": True,
        "special_categories": [SpecialCategory.HEALTH],
        "capture_method": CaptureMethod.SIGNED_FORM,
    }
    early_help = {
        "scopes": [story.scopes[EARLY_HELP]],
        "recipients": [demo.organisation("early_help"), demo.organisation("third_sector")],
        # Whether a scope needs a signed form is the agreement's to say (ConsentScope).
        "capture_method": CaptureMethod.SIGNED_FORM
        if story.scopes[EARLY_HELP].signed_form_required
        else CaptureMethod.VERBAL,
    }

    def record(*, given_on: date, giver: dict | None = None, **fields):
        # A parent decides until the end of compulsory school age, the young person after it
        # (the seed runs on any day, so a story's date can fall either side).
        if giver is None:
            giver = (
                young_person
                if given_on >= handover
                else {
                    "giver_kind": GiverKind.PARENT,
                    "giver_name": f"Alex {subject.surname}",
                    "giver_relationship": Relationship.MOTHER,
                }
            )
        return services.consent_record(
            actor=actor, subject=subject, given_on=given_on, **giver, **fields
        )

    def months_ago(months: int, days: int = 0) -> date:
        return max(born, today - relativedelta(months=months) - timedelta(days=days))

    if name == "given":
        record(given_on=months_ago(3), **send)
    elif name == "due":
        # Given almost a year ago: the review falls due within the next fortnight.
        record(given_on=months_ago(12) + timedelta(10), **send)
    elif name == "overdue":
        record(given_on=months_ago(13), **send)
    elif name == "refused":
        record(
            decision=Decision.REFUSED,
            given_on=months_ago(2),
            notes="The family prefer to work with the school alone for now.",
            **early_help,
        )
    elif name == "withdrawn":
        consent = record(given_on=months_ago(6), **send)
        services.consent_withdraw(
            actor=actor,
            consent=consent,
            withdrawn_on=months_ago(1),
            reason="The parent asked by telephone that nothing more is shared; confirmed by "
            "letter.",
        )
    elif name == "expired":
        record(
            given_on=months_ago(14),
            valid_until=months_ago(2),
            **send,
        )
    elif name == "funding":
        record(
            given_on=months_ago(1),
            **(send | {"scopes": [story.scopes[FUNDING]]}),
        )
    elif name == "young_person":
        record(given_on=months_ago(2), giver=young_person, **early_help)
    elif name == "handover":
        # A parent's consent from before the young person reached the end of compulsory
        # school age: the young person is now asked to renew it.
        record(given_on=max(born, handover - timedelta(days=120)), **send)
    elif name == "twelve":
        twelfth = born + relativedelta(years=12)
        record(given_on=max(born, twelfth - timedelta(days=200)), **early_help)
    else:
        raise ValueError(f"Unknown demo consent story {name!r}")
