"""The demo agreements: the Kent & Medway agreement with the SEND SOP and the schools protocol
under it, the protocol that became a code of practice, and the Haringey protocol with its
three signatories. Built once; a second run writes nothing."""

import pytest

from agreements import selectors
from agreements.choices import AgreementStatus, SharingMethod
from agreements.demo_data import (
    BUCKS_CODE,
    BUCKS_PROTOCOL,
    GOLDEN_RULES,
    HARINGEY,
    ISA,
    SEND_SOP,
)
from agreements.models import Agreement, Signatory, Term
from partners.demo import demo_partnership_seed
from partners.models import Tenant
from partners.roles import Role
from partners.tenancy import activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    return demo_partnership_seed()


def test_the_send_sop_sits_under_the_kent_and_medway_agreement(seed):
    kent = seed.partnerships["kent"]
    with activate(kent.tenant):
        isa = Agreement.objects.get(title=ISA)
        sop = Agreement.objects.get(title=SEND_SOP)
        practitioner = kent.member(Role.PRACTITIONER)

        assert sop.parent == isa
        assert sop in selectors.agreement_children(viewer=practitioner, agreement=isa)
        inherited = selectors.agreement_inherited_terms(viewer=practitioner, agreement=sop)
        assert [i.agreement for i in inherited] == [isa]
        assert set(sop.methods.values_list("method", flat=True)) == set(SharingMethod.values)
        rules = list(Term.objects.filter(agreement=sop, text__in=GOLDEN_RULES))
        assert len(rules) == 7
        assert set(sop.consent_scopes.values_list("name", flat=True)) == {
            "Statutory assessment and EHC plan",
            "High Needs Funding and SCARF",
        }


def test_every_demo_agreement_is_complete_and_those_in_force_are_signed(seed):
    for demo in seed.partnerships.values():
        with activate(demo.tenant):
            for agreement in Agreement.objects.all():
                assert selectors.agreement_completeness(agreement).is_complete, agreement
                assert agreement.document_version == 1
                assert agreement.transitions.filter(action="approve").count() == 1
                assert selectors.agreement_signature_table(agreement=agreement).exists()


def test_the_haringey_protocol_has_its_three_signatories(seed):
    haringey = seed.partnerships["haringey"]
    with activate(haringey.tenant):
        protocol = Agreement.objects.get(title=HARINGEY)
        signed = selectors.agreement_signature_table(agreement=protocol)

        assert sorted(s.organisation.name for s in signed) == [
            "Haringey Council (demo)",
            "Haringey Teaching Primary Care Trust (demo)",
            "Metropolitan Police Service, Haringey Division (demo)",
        ]
        assert all(s.signer_name and s.signer_title and s.signed_on for s in signed)
        assert (protocol.breach_notify_days, protocol.breach_meeting_days) == (5, 20)
        assert protocol.data_items.filter(level="minimum").count() == 9


def test_the_code_of_practice_took_over_the_protocols_signatories(seed):
    with activate(seed.partnerships["kent"].tenant):
        protocol = Agreement.objects.get(title=BUCKS_PROTOCOL)
        code = Agreement.objects.get(title=BUCKS_CODE)
        carried = Signatory.objects.filter(agreement=code, carried_over_from__isnull=False)
        withdrawn = protocol.signatories.get(status="withdrawn")

        assert (protocol.status, protocol.superseded_by) == (AgreementStatus.SUPERSEDED, code)
        assert carried.count() == protocol.signatories.filter(status="signed").count() == 5
        assert not code.signatories.filter(organisation=withdrawn.organisation).exists()
        assert code.signatories.filter(carried_over_from__isnull=True).count() == 1


def _agreement_rows():
    rows = {}
    for tenant in Tenant.objects.all():
        with activate(tenant):
            rows[tenant.slug] = (
                sorted(Agreement.objects.values_list("pk", "title", "status", "version")),
                Signatory.objects.count(),
                Agreement.history.filter(tenant=tenant).count(),
                Signatory.history.filter(tenant=tenant).count(),
                Term.history.filter(tenant=tenant).count(),
            )
    return rows


def test_a_second_run_writes_nothing(seed):
    first = _agreement_rows()

    demo_partnership_seed()

    assert _agreement_rows() == first
