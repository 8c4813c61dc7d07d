"""The sharing log pages' world, for the page tests, the browser journey and the authorization
matrix: a partnership's school, council and police, a pupil with a parent's consent and
decisions of every kind about them, and the helpers that read the pages (their visible text,
the decisions they link to, a page's address) and record more decisions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape

from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, ConsentScope
from consent import services as consent_services
from consent.choices import CaptureMethod, GiverKind, Relationship
from consent.models import DataSubject
from partners.models import DesignatedManager, Organisation
from partners.roles import Role
from partners.tenancy import activate
from sharing_log import services
from sharing_log.choices import GOLDEN_RULE_6_CHECKS, Basis
from sharing_log.models import InaccuracyNotice, SharingDecision
from tests.agreements.conftest import make_active
from tests.factories import ConsentScopeFactory, OrganisationFactory, nhs_test_number
from tests.sharing_log.conftest import draft, police_request

ALL_YES = dict.fromkeys(GOLDEN_RULE_6_CHECKS, True)
STATUTORY = "Statutory assessment and EHC plan"
POLICE = "Kent Police Public Protection Unit"
FORENAMES, SURNAME = "Ivy Maple", "Logtester"
CHILD = f"{FORENAMES} {SURNAME}"


# --- The world every page test, the browser journey and the authorization matrix use -----------


@dataclass
class World:
    """In the standing partnership: an agreement in force with a consent scope, the police, a
    pupil of the school whose mother consented to sharing with the council, and three decisions
    of the school's practitioner about her: a share with the council on that consent (with an
    inaccuracy notice), and a police request shared without consent, an override waiting for
    the council's manager, who is a designated manager for the school."""

    partnership: object
    agreement: Agreement
    statutory: ConsentScope
    police: Organisation
    child: DataSubject
    share: SharingDecision
    override: SharingDecision
    notice: InaccuracyNotice

    def member(self, role: str):
        return self.partnership.member(role)

    @property
    def school(self):
        return self.partnership.school

    @property
    def council(self):
        return self.partnership.council


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class Setting:
    """What a decision about the child needs: the agreement and its consent scope, the police,
    and the child, whose mother consented to sharing with the council."""

    agreement: Agreement
    statutory: ConsentScope
    police: Organisation
    council: Organisation
    child: DataSubject


def build_setting(partnership) -> Setting:
    officer = partnership.member(Role.IG_OFFICER)
    senco = partnership.member(Role.SENCO)
    tenant = partnership.tenant
    with activate(tenant):
        agreement = make_active(partnership, officer, title="SEND information sharing for the log")
        statutory = ConsentScopeFactory(agreement=agreement, name=STATUTORY)
        # Names and numbers of their own: the matrix builds other apps' worlds beside this one.
        police = OrganisationFactory(tenant=tenant, name=POLICE, type="police")
        DesignatedManager.objects.get_or_create(
            tenant=tenant, organisation=partnership.school, membership=partnership.member("manager")
        )
        child = consent_services.subject_create(
            actor=senco,
            forenames=FORENAMES,
            surname=SURNAME,
            date_of_birth=today() - dt.timedelta(days=9 * 365 + 100),
            gender="female",
            nhs_number=nhs_test_number(700),
            upn="",
            current_setting=partnership.school,
            sen_status="sen_support",
        )
        consent_services.consent_record(
            actor=senco,
            subject=child,
            giver_kind=GiverKind.PARENT,
            giver_name="Jo Sampleton",
            giver_relationship=Relationship.MOTHER,
            scopes=[statutory],
            recipients=[partnership.council],
            capture_method=CaptureMethod.SIGNED_FORM,
            given_on=today() - dt.timedelta(days=30),
        )
    return Setting(
        agreement=agreement,
        statutory=statutory,
        police=police,
        council=partnership.council,
        child=child,
    )


def build_world(partnership) -> World:
    practitioner = partnership.member(Role.PRACTITIONER)
    setting = build_setting(partnership)
    child = setting.child
    with activate(partnership.tenant):
        share = services.decision_record(actor=practitioner, draft=draft(setting, child))
        override = services.decision_record(
            actor=practitioner, draft=draft(setting, child, **police_request(setting, child))
        )
        notice = services.inaccuracy_notice_record(
            actor=practitioner,
            decision=share,
            what_was_wrong="The attendance figure was last year's.",
            correction="Attendance this term is 91%.",
        )
    return World(
        partnership=partnership,
        agreement=setting.agreement,
        statutory=setting.statutory,
        police=setting.police,
        child=child,
        share=share,
        override=override,
        notice=notice,
    )


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def decision_ids(response) -> list[str]:
    """The decisions a page links to, in order, once each."""
    found = re.findall(r"/sharing-log/decisions/([0-9a-f-]{36})/", response.content.decode())
    return list(dict.fromkeys(found))


def url(name: str, obj=None, **kwargs) -> str:
    if obj is not None:
        kwargs["id"] = obj.public_id
    return reverse(f"sharing_log:{name}", kwargs=kwargs)


def record_more(world: World, count: int, **changes) -> list[SharingDecision]:
    """More decisions about the child by the school's practitioner: aggregate-free, on the
    safeguarding interest, so no consent or override is involved."""
    practitioner = world.member(Role.PRACTITIONER)
    made = []
    with activate(world.partnership.tenant):
        for number in range(count):
            values = {
                "basis": Basis.SAFEGUARDING_INTEREST,
                "consent_scope": None,
                "purpose": f"Safeguarding review {number}",
                **changes,
            }
            made.append(
                services.decision_record(
                    actor=practitioner, draft=draft(world, world.child, **values)
                )
            )
    return made
