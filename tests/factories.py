"""factory_boy factories for the partners base. Each factory creates its own tenant unless
given one, and every related object is created inside the same tenant."""

import factory
from django.utils.text import slugify

from partners.models import Membership, Organisation, OrganisationType, Tenant, User
from partners.roles import Role

DEFAULT_PASSWORD = "correct horse battery staple"


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = OrganisationType.LA_SERVICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    organisation = factory.SubFactory(OrganisationFactory, tenant=factory.SelfAttribute("..tenant"))
    user = factory.SubFactory(UserFactory)
    role = Role.PRACTITIONER


# --- Agreements -------------------------------------------------------------------------------

from agreements import models as agreement_models  # noqa: E402
from agreements.choices import AgreementKind, InformationLevel, Party  # noqa: E402

COMPLETE_PROSE = {
    "parties_and_roles": "The council and each school are separate controllers.",
    "transparency": "Each partner's privacy notice names the others.",
    "individual_rights": "Requests go to the partner holding the record.",
    "contact_point": "information.governance@example.org",
    "data_quality": "Partners tell each other of inaccuracies at once.",
    "retention": "Each partner follows its own retention schedule.",
    "security": "Secure email and access-controlled systems only.",
    "breach_arrangements": "Breaches are reported to all partners.",
    "training": "Annual information governance training.",
    "termination": "A leaving partner returns or destroys what it received.",
}


class AgreementFactory(factory.django.DjangoModelFactory):
    """A draft agreement; `complete=True` fills every prose heading (see `fill_content`)."""

    class Meta:
        model = agreement_models.Agreement

    class Params:
        complete = factory.Trait(**COMPLETE_PROSE)

    tenant = factory.SubFactory(TenantFactory)
    owner_organisation = factory.SubFactory(
        OrganisationFactory, tenant=factory.SelfAttribute("..tenant")
    )
    title = factory.Sequence(lambda n: f"Information sharing agreement {n}")
    kind = AgreementKind.INFORMATION_SHARING_AGREEMENT


def _content(model, agreement, **fields):
    return model.objects.create(tenant=agreement.tenant, agreement=agreement, **fields)


def legal_basis(code: str):
    return agreement_models.LegalBasis.objects.get(tenant__isnull=True, code=code)


def fill_content(agreement) -> None:
    """The lists an agreement needs to be complete against the ICO headings."""
    _content(
        agreement_models.Purpose,
        agreement,
        service="SEN Assessment and Placement",
        description="Statutory assessment within statutory timescales.",
    )
    _content(
        agreement_models.DataItem, agreement, level=InformationLevel.MINIMUM, name="Date of birth"
    )
    _content(agreement_models.DataSubjectCategory, agreement, description="Pupils")
    _content(agreement_models.AgreementLegalBasis, agreement, basis=legal_basis("uk-gdpr-6-1-e"))
    _content(
        agreement_models.AgreementLegalBasis,
        agreement,
        basis=legal_basis("children-and-families-act-2014-part-3"),
        position=1,
    )
    _content(agreement_models.Term, agreement, party=Party.ALL, text="Keep records of decisions.")


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = agreement_models.Signatory

    agreement = factory.SubFactory(AgreementFactory)
    tenant = factory.SelfAttribute("agreement.tenant")
    organisation = factory.SubFactory(OrganisationFactory, tenant=factory.SelfAttribute("..tenant"))
    invited_on = factory.Faker("past_date")


# --- Consent ----------------------------------------------------------------------------------

import datetime as _dt  # noqa: E402

from consent import models as consent_models  # noqa: E402
from consent.choices import Gender  # noqa: E402
from consent.validators import nhs_check_digit  # noqa: E402


def nhs_test_number(n: int) -> str:
    """The n-th checksum-valid NHS number of the 999 range the NHS keeps for testing (never a
    real patient's)."""
    found = -1
    candidate = 999_000_000
    while True:
        candidate += 1
        check = nhs_check_digit(str(candidate))
        if check is not None:
            found += 1
            if found == n:
                return f"{candidate}{check}"


class DataSubjectFactory(factory.django.DjangoModelFactory):
    """A child aged about nine, with a test-range NHS number; no setting, no team (records made
    this way are granted to nobody: use the services, or `subject_sync_access`)."""

    class Meta:
        model = consent_models.DataSubject

    tenant = factory.SubFactory(TenantFactory)
    forenames = factory.Sequence(lambda n: f"Testchild{n}")
    surname = "Sampleton"
    date_of_birth = factory.LazyFunction(
        lambda: _dt.date.today() - _dt.timedelta(days=9 * 365 + 100)  # noqa: DTZ011
    )
    gender = Gender.FEMALE
    nhs_number = factory.Sequence(nhs_test_number)


class ConsentScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = agreement_models.ConsentScope

    agreement = factory.SubFactory(AgreementFactory)
    tenant = factory.SelfAttribute("agreement.tenant")
    name = factory.Sequence(lambda n: f"Consent scope {n}")
    when_required = "Statutory assessment processes, including monitoring of plans."


# --- Breaches ---------------------------------------------------------------------------------

from django.utils import timezone as _timezone  # noqa: E402

from breaches import models as breach_models  # noqa: E402
from breaches.choices import MILESTONE_ORDER  # noqa: E402
from breaches.deadlines import BreachRules, milestone_due_dates  # noqa: E402


class BreachReportFactory(factory.django.DjangoModelFactory):
    """A breach written directly, with its milestones computed as `breach_report` computes them
    but no rule checked and nobody told: for lists, pages and isolation tests. Tests of the
    rules report breaches through `breaches.services.breach_report`."""

    class Meta:
        model = breach_models.BreachReport
        skip_postgeneration_save = True

    agreement = factory.SubFactory(AgreementFactory)
    tenant = factory.SelfAttribute("agreement.tenant")
    title = factory.Sequence(lambda n: f"Breach {n}")
    reporting_organisation = factory.SelfAttribute("agreement.owner_organisation")
    organisation_in_breach = factory.SubFactory(
        OrganisationFactory, tenant=factory.SelfAttribute("..tenant")
    )
    reported_at = factory.LazyFunction(_timezone.now)
    identified_at = factory.SelfAttribute("reported_at")
    identified_on = factory.LazyAttribute(lambda o: _timezone.localdate(o.identified_at))
    description = "A report was sent to the wrong address."
    region = factory.SelfAttribute("tenant.bank_holiday_region")
    notify_days = 5
    report_days = 10
    meeting_days = 20
    minutes_days = 5

    @factory.post_generation
    def milestones(obj, create, extracted, **kwargs):
        if not create:
            return
        due = milestone_due_dates(BreachRules.of_breach(obj), obj.identified_on)
        responsible = {
            "partners_notified": obj.reporting_organisation,
            "report_distributed": obj.organisation_in_breach,
        }
        for position, kind in enumerate(MILESTONE_ORDER):
            breach_models.Milestone.objects.create(
                tenant=obj.tenant,
                breach=obj,
                kind=kind,
                position=position,
                responsible_organisation=responsible.get(kind, obj.agreement.owner_organisation),
                working_days=BreachRules.of_breach(obj).working_days(kind),
                counted_from=obj.identified_on if due[kind] else None,
                due_on=due[kind],
            )
