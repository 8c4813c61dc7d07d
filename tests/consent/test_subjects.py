"""Opening a child's record: who may, the ages it is for, and duplicate detection — the same
NHS number or UPN, or a similar name with the same date of birth, offers the existing record."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consent import selectors, services
from consent.models import DataSubject, TeamMember
from partners.roles import Role
from tests.consent.conftest import born, open_record

pytestmark = pytest.mark.django_db


def test_a_senco_opens_a_record_and_joins_the_team_around_the_child(world, senco):
    child = open_record(senco, upn="h801200001001", postcode="me14 1aa")

    assert child.nhs_number == "9990000018"
    assert child.upn == "H801200001001"
    assert child.postcode == "ME14 1AA"
    member = TeamMember.objects.get(subject=child)
    assert (member.organisation, member.membership) == (world.school, senco)
    assert selectors.subject_get_for(senco, child.public_id) == child
    assert child.history.count() == 1


def test_an_ig_officer_opens_a_record_without_joining_the_team(world):
    officer = world.member(Role.IG_OFFICER)

    child = open_record(officer, current_setting=world.school)

    assert not TeamMember.objects.filter(subject=child).exists()


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER, Role.AUDITOR])
def test_only_sencos_and_ig_officers_open_records(world, role):
    with pytest.raises(PermissionDenied):
        open_record(world.member(role))
    assert not DataSubject.objects.exists()


@pytest.mark.parametrize(
    ("years", "sen_status", "allowed"),
    [
        (19, "none", True),
        (20, "none", False),
        (20, "ehc_plan", True),
        (25, "sen_support", True),
        (26, "ehc_plan", False),
    ],
)
def test_records_are_for_0_to_19_or_to_25_with_additional_needs(senco, years, sen_status, allowed):
    fields = {"date_of_birth": born(years, 10), "sen_status": sen_status}
    if allowed:
        assert open_record(senco, **fields).pk
    else:
        with pytest.raises(ValidationError) as error:
            open_record(senco, **fields)
        assert "date_of_birth" in error.value.message_dict
        assert not DataSubject.objects.exists()


def test_invalid_identifiers_are_refused(senco):
    with pytest.raises(ValidationError) as error:
        open_record(senco, nhs_number="9434765918", upn="A801200005001")
    assert set(error.value.message_dict) >= {"nhs_number", "upn"}


# --- Duplicates ---------------------------------------------------------------------------------


def test_the_same_nhs_number_offers_the_existing_record(senco, child):
    with pytest.raises(services.PossibleDuplicate) as error:
        open_record(senco, forenames="Someone", surname="Else", date_of_birth=born(4))

    assert error.value.matches == [child]
    assert error.value.same_identifier
    # Even a confirmation that it is a different child does not let a second record in.
    with pytest.raises(services.PossibleDuplicate):
        open_record(senco, forenames="Someone", surname="Else", confirmed_different=True)
    assert DataSubject.objects.count() == 1


def test_the_same_upn_offers_the_existing_record(senco):
    first = open_record(senco, upn="H801200001001")

    with pytest.raises(services.PossibleDuplicate) as error:
        open_record(senco, nhs_number="", upn="H801 2000 01001", forenames="Other")

    assert error.value.matches == [first]


@pytest.mark.parametrize(
    ("forenames", "surname"),
    [
        ("Ava", "Sampleton"),  # Without a middle name.
        ("ava rose", "SAMPLETON"),
        ("Ava", "Sampelton"),  # Misspelt.
        ("Rose", "Sampleton-Hughes"),  # The middle name, and a double-barrelled surname.
        ("Avah", "Sampleton"),  # Another spelling.
        ("Ava", "Smith"),  # An alias of the existing record.
    ],
)
def test_a_similar_name_with_the_same_birth_date_offers_the_existing_record(
    senco, forenames, surname
):
    existing = open_record(senco, aliases="Ava Smith")

    with pytest.raises(services.PossibleDuplicate) as error:
        open_record(
            senco,
            forenames=forenames,
            surname=surname,
            date_of_birth=existing.date_of_birth,
            nhs_number="",
        )

    assert error.value.matches == [existing]
    assert not error.value.same_identifier
    # The message names nobody: the page shows the records offered.
    assert "Ava" not in error.value.messages[0]


def test_the_caller_may_confirm_that_a_similar_child_is_a_different_one(senco, child):
    twin = open_record(
        senco,
        forenames="Ava",
        surname="Sampleton",
        date_of_birth=child.date_of_birth,
        nhs_number="",
        confirmed_different=True,
    )
    assert twin.pk != child.pk


@pytest.mark.parametrize(
    ("forenames", "surname", "days_later"),
    [("Ava", "Sampleton", 1), ("Noah", "Sampleton", 0), ("Ava", "Testwood", 0)],
)
def test_a_different_name_or_birth_date_is_not_a_duplicate(
    senco, child, forenames, surname, days_later
):
    other = open_record(
        senco,
        forenames=forenames,
        surname=surname,
        date_of_birth=child.date_of_birth + dt.timedelta(days=days_later),
        nhs_number="",
    )
    assert other.pk


def test_a_record_the_creator_may_not_see_is_never_shown(world, child):
    """Need-to-know outranks duplicate detection: another setting's SENCo is told that the
    identifier is taken, not who has it; a similar name they may not see is not mentioned."""
    stranger = world.elsewhere_practitioner

    with pytest.raises(services.PossibleDuplicate) as error:
        open_record(stranger, forenames="Different", surname="Name")
    assert error.value.matches == []
    assert error.value.hidden_match
    assert "IG officer" in error.value.messages[0]

    other = open_record(stranger, nhs_number="", date_of_birth=child.date_of_birth)
    assert other.pk != child.pk


# --- Editing --------------------------------------------------------------------------------------


def test_an_edit_made_from_an_old_copy_is_refused(senco, child):
    services.subject_update(actor=senco, subject=child, expected_version=1, phone="01632 960001")
    stale = DataSubject.objects.get(pk=child.pk)
    stale.version = 1

    with pytest.raises(services.ConcurrentEdit):
        services.subject_update(actor=senco, subject=stale, expected_version=1, phone="0")

    child.refresh_from_db()
    assert child.phone == "01632 960001"
    assert child.version == 2


def test_an_edit_cannot_take_another_childs_nhs_number(senco, child):
    other = open_record(senco, forenames="Noah", surname="Testwood", nhs_number="999 000 0026")

    with pytest.raises(services.PossibleDuplicate):
        services.subject_update(
            actor=senco, subject=other, expected_version=1, nhs_number=child.nhs_number
        )


def test_editing_fields_outside_the_record_is_a_programming_error(senco, child):
    with pytest.raises(TypeError):
        services.subject_update(actor=senco, subject=child, expected_version=1, tenant=None)


# --- Finding a child ------------------------------------------------------------------------------


@pytest.fixture
def pupils(world, senco):
    return {
        "ava": open_record(senco, upn="H801200001001"),
        "noah": open_record(
            senco,
            forenames="Noah",
            surname="Testwood",
            aliases="Noah Fablewick",
            date_of_birth=dt.date(2016, 5, 4),
            nhs_number="999 000 0026",
        ),
    }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ava", {"ava"}),
        ("SAMPLETON", {"ava"}),
        ("noah testwood", {"noah"}),
        ("Fablewick", {"noah"}),  # An alias.
        ("999 000 0026", {"noah"}),
        ("9990000018", {"ava"}),
        ("H801200001001", {"ava"}),
        ("04/05/2016", {"noah"}),
        ("2016-05-04", {"noah"}),
        ("noah 04/05/2016", {"noah"}),
        ("ava 04/05/2016", set()),
        ("nobody", set()),
        ("", set()),
    ],
)
def test_one_search_box_finds_by_name_birth_date_nhs_number_or_upn(senco, pupils, text, found):
    results = selectors.subject_find(viewer=senco, text=text)
    assert {key for key, child in pupils.items() if child in results} == found
    assert results.count() == len(found)


def test_a_search_with_no_criterion_lists_nobody(senco, pupils):
    assert not selectors.subject_search(viewer=senco).exists()
