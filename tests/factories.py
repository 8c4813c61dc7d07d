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
