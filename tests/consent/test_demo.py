"""The demo children: a few dozen invented children across the Kent demo settings, with teams
around them and consents in every state, written through the services. A second run writes
nothing."""

import pytest

from consent import selectors
from consent.choices import ConsentStatus, GiverKind
from consent.demo import CHILDREN, DEMO_LA
from consent.models import ConsentEvent, ConsentRecord, DataSubject, TeamMember
from consent.validators import is_valid_nhs_number, is_valid_upn
from partners.demo import demo_partnership_seed
from partners.roles import Role
from partners.tenancy import activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    return demo_partnership_seed()


def test_a_few_dozen_invented_children_across_the_demo_settings(seed):
    kent = seed.partnerships["kent"]
    with activate(kent.tenant):
        children = list(DataSubject.objects.select_related("current_setting"))
        assert len(children) == len(CHILDREN) >= 30
        settings = {child.current_setting.name for child in children}
        assert len(settings) == 5
        for child in children:
            # The NHS's test range, and no local authority's number: never a real child's.
            assert child.nhs_number.startswith("999") and is_valid_nhs_number(child.nhs_number)
            if child.upn:
                assert child.upn[1:4] == DEMO_LA and is_valid_upn(child.upn)
        assert TeamMember.objects.filter(is_lead=True, ended_on__isnull=True).exists()


def test_consents_in_every_state(seed):
    kent = seed.partnerships["kent"]
    with activate(kent.tenant):
        statuses = set(ConsentRecord.objects.values_list("status", flat=True))
        assert statuses == set(ConsentStatus.values)
        assert ConsentRecord.objects.filter(giver_kind=GiverKind.YOUNG_PERSON).exists()
        senco = kent.member(Role.SENCO)
        officer = kent.member(Role.IG_OFFICER)
        assert selectors.consents_due_for_review(viewer=senco, recorded_by_viewer=True)
        assert selectors.consents_needing_young_person_renewal(viewer=officer)


def test_need_to_know_holds_in_the_demo(seed):
    kent = seed.partnerships["kent"]
    with activate(kent.tenant):
        everyone = set(selectors.subjects_visible_to(kent.member(Role.IG_OFFICER)))
        early_help = set(selectors.subjects_visible_to(kent.member(Role.PRACTITIONER)))
        school = set(selectors.subjects_visible_to(kent.member(Role.SENCO)))
        assert len(everyone) == len(CHILDREN)
        assert early_help and early_help < everyone
        assert school and school < everyone
        assert all(c.current_setting.name.startswith("Hopfield") for c in school)


def test_the_demo_is_built_once(seed):
    kent = seed.partnerships["kent"]
    with activate(kent.tenant):
        counts = (
            DataSubject.objects.count(),
            ConsentRecord.objects.count(),
            ConsentEvent.objects.count(),
            TeamMember.objects.count(),
            DataSubject.history.count(),
            ConsentRecord.history.count(),
        )
    demo_partnership_seed()
    with activate(kent.tenant):
        assert counts == (
            DataSubject.objects.count(),
            ConsentRecord.objects.count(),
            ConsentEvent.objects.count(),
            TeamMember.objects.count(),
            DataSubject.history.count(),
            ConsentRecord.history.count(),
        )
