"""Working days: Monday to Friday, less the bank holidays of the tenant's region.

The expected dates come from gov.uk's bank holiday calendar (the data behind
https://www.gov.uk/bank-holidays, alphagov's `bank-holidays.json`, 2022–2023), from the
proclamations of the one-off holidays (19 September 2022, 8 May 2023, and Scotland's 15 June 2026
under the Banking and Financial Dealings Act 1971), and from the statutory rules for 2024–2027
(a holiday falling at a weekend moves to the next weekday that is not already a holiday). They are
written out by hand, not read back from the library, so a library that drifts is caught here.
"""

from datetime import date, datetime, timedelta

import pytest

from partners.models import BankHolidayRegion
from partners.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)

EW = BankHolidayRegion.ENGLAND_AND_WALES
SCT = BankHolidayRegion.SCOTLAND
NI = BankHolidayRegion.NORTHERN_IRELAND
UK = BankHolidayRegion.ANY_PART_OF_UK
REGIONS = [EW, SCT, NI, UK]


def d(text: str) -> date:
    return date.fromisoformat(text)


def days(*texts: str) -> set[date]:
    return {d(text) for text in texts}


# Weekday bank holidays per gov.uk, substitute days and one-off days included.
GOV_UK = {
    (EW, 2022): days(
        "2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03",
        "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27",
    ),
    (SCT, 2022): days(
        "2022-01-03", "2022-01-04", "2022-04-15", "2022-05-02", "2022-06-02", "2022-06-03",
        "2022-08-01", "2022-09-19", "2022-11-30", "2022-12-26", "2022-12-27",
    ),
    (NI, 2022): days(
        "2022-01-03", "2022-03-17", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02",
        "2022-06-03", "2022-07-12", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27",
    ),
    (EW, 2023): days(
        "2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29",
        "2023-08-28", "2023-12-25", "2023-12-26",
    ),
    (SCT, 2023): days(
        "2023-01-02", "2023-01-03", "2023-04-07", "2023-05-01", "2023-05-08", "2023-05-29",
        "2023-08-07", "2023-11-30", "2023-12-25", "2023-12-26",
    ),
    (NI, 2023): days(
        "2023-01-02", "2023-03-17", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08",
        "2023-05-29", "2023-07-12", "2023-08-28", "2023-12-25", "2023-12-26",
    ),
}  # fmt: skip


def weekday_holidays(region: str, year: int) -> set[date]:
    day, found = date(year, 1, 1), set()
    while day.year == year:
        if day.weekday() < 5 and not is_working_day(day, region):
            found.add(day)
        day += timedelta(days=1)
    return found


@pytest.mark.parametrize(("region", "year"), list(GOV_UK), ids=lambda value: str(value))
def test_the_non_working_weekdays_of_a_year_are_exactly_gov_uks_bank_holidays(region, year):
    assert weekday_holidays(region, year) == GOV_UK[(region, year)]


@pytest.mark.parametrize("year", [2022, 2023])
def test_any_part_of_the_uk_is_the_union_of_the_three_calendars(year):
    union = GOV_UK[(EW, year)] | GOV_UK[(SCT, year)] | GOV_UK[(NI, year)]

    assert weekday_holidays(UK, year) == union


# --- The rule: day 0 is the start date, day N the Nth working day after it --------------------


def test_a_breach_identified_on_a_friday_is_due_five_working_days_later_on_the_next_friday():
    assert add_working_days(d("2025-06-06"), 5, EW) == d("2025-06-13")


def test_day_zero_is_the_start_date_itself_even_when_it_is_not_a_working_day():
    assert add_working_days(d("2025-06-06"), 0, EW) == d("2025-06-06")
    assert add_working_days(d("2025-06-07"), 0, EW) == d("2025-06-07")  # a Saturday
    assert add_working_days(d("2022-12-27"), 0, EW) == d("2022-12-27")  # a bank holiday


def test_from_a_weekend_day_one_is_the_monday():
    assert add_working_days(d("2025-06-07"), 1, EW) == d("2025-06-09")
    assert add_working_days(d("2025-06-08"), 5, EW) == d("2025-06-13")


def test_a_negative_count_goes_back_to_earlier_working_days():
    assert add_working_days(d("2025-06-09"), -1, EW) == d("2025-06-06")  # Monday back to Friday
    assert add_working_days(d("2025-06-07"), -1, EW) == d("2025-06-06")  # Saturday to Friday
    # Back over Easter 2026 in England: Tuesday 7 April, less one, skips Monday and Good Friday.
    assert add_working_days(d("2026-04-07"), -1, EW) == d("2026-04-02")


@pytest.mark.parametrize(
    ("start", "n", "region", "expected"),
    [
        # Christmas and New Year 2022/23: Boxing Day, the Christmas substitute (Tue 27 Dec)
        # and the New Year substitute (Mon 2 Jan); Scotland adds 2 January's substitute (3 Jan).
        ("2022-12-23", 1, EW, "2022-12-28"),
        ("2022-12-23", 5, EW, "2023-01-04"),
        ("2022-12-23", 5, SCT, "2023-01-05"),
        ("2022-12-23", 5, NI, "2023-01-04"),
        # Christmas 2026 (Boxing Day on a Saturday, substitute Mon 28 Dec).
        ("2026-12-24", 1, EW, "2026-12-29"),
        # Christmas 2027 (both days at the weekend: substitutes Mon 27 and Tue 28 Dec).
        ("2027-12-24", 1, EW, "2027-12-29"),
        ("2027-12-24", 1, SCT, "2027-12-29"),
        # New Year 2027 in Scotland: 1 Jan a Friday, 2 Jan a Saturday, substitute Mon 4 Jan.
        ("2026-12-31", 1, EW, "2027-01-04"),
        ("2026-12-31", 1, SCT, "2027-01-05"),
        # Easter 2026 (Good Friday 3 April, Easter Monday 6 April, not a holiday in Scotland).
        ("2026-04-02", 1, EW, "2026-04-07"),
        ("2026-04-02", 1, NI, "2026-04-07"),
        ("2026-04-02", 1, SCT, "2026-04-06"),
        ("2026-03-27", 5, EW, "2026-04-07"),
        # Easter 2027 (Good Friday 26 March, Easter Monday 29 March).
        ("2027-03-25", 1, EW, "2027-03-30"),
        ("2027-03-25", 1, SCT, "2027-03-29"),
        # One-off holidays: the Queen's state funeral, the coronation, the Platinum Jubilee
        # (with the Spring bank holiday moved from Mon 30 May to Thu 2 June 2022), and
        # Scotland's World Cup holiday on Mon 15 June 2026.
        ("2022-09-16", 1, EW, "2022-09-20"),
        ("2022-09-16", 1, SCT, "2022-09-20"),
        ("2022-09-16", 1, NI, "2022-09-20"),
        ("2023-04-28", 5, EW, "2023-05-09"),
        ("2023-05-05", 1, NI, "2023-05-09"),
        ("2022-06-01", 1, EW, "2022-06-06"),
        ("2022-05-27", 1, EW, "2022-05-30"),
        ("2026-06-12", 1, SCT, "2026-06-16"),
        ("2026-06-12", 1, EW, "2026-06-15"),
        # Scotland: 2 January, the first Monday in August, St Andrew's Day and its substitutes.
        ("2024-01-01", 1, SCT, "2024-01-03"),
        ("2024-01-01", 1, EW, "2024-01-02"),
        ("2026-07-31", 1, SCT, "2026-08-04"),
        ("2026-07-31", 1, EW, "2026-08-03"),
        ("2026-08-28", 1, SCT, "2026-08-31"),
        ("2026-08-28", 1, EW, "2026-09-01"),
        ("2024-11-29", 1, SCT, "2024-12-03"),  # 30 Nov a Saturday: Mon 2 Dec
        ("2025-11-28", 1, SCT, "2025-12-02"),  # 30 Nov a Sunday: Mon 1 Dec
        ("2027-11-29", 1, SCT, "2027-12-01"),  # 30 Nov a Tuesday
        ("2025-11-28", 1, EW, "2025-12-01"),
        # Northern Ireland: St Patrick's Day and the Twelfth, with their substitutes.
        ("2026-03-16", 1, NI, "2026-03-18"),
        ("2026-03-16", 1, EW, "2026-03-17"),
        ("2024-03-15", 1, NI, "2024-03-19"),  # 17 March a Sunday: Mon 18 March
        ("2025-07-11", 1, NI, "2025-07-15"),  # 12 July a Saturday: Mon 14 July
        ("2026-07-10", 1, NI, "2026-07-14"),  # 12 July a Sunday: Mon 13 July
        ("2027-07-09", 1, NI, "2027-07-13"),
        ("2027-07-09", 1, EW, "2027-07-12"),
        # Any part of the UK: a bank holiday anywhere in the UK is not a working day.
        ("2026-03-16", 1, UK, "2026-03-18"),
        ("2026-07-10", 1, UK, "2026-07-14"),
        ("2026-07-31", 1, UK, "2026-08-04"),
        ("2026-08-28", 1, UK, "2026-09-01"),
        ("2026-06-12", 1, UK, "2026-06-16"),
        ("2024-01-01", 1, UK, "2024-01-03"),
        ("2026-04-02", 1, UK, "2026-04-07"),
        ("2024-11-29", 1, UK, "2024-12-03"),
    ],
)
def test_deadlines_skip_the_regions_bank_holidays(start, n, region, expected):
    assert add_working_days(d(start), n, region) == d(expected)


@pytest.mark.parametrize(
    ("day", "working_in"),
    [
        ("2022-05-30", {EW, SCT, NI, UK}),  # the Spring bank holiday moved to 2 June that year
        ("2022-09-19", set()),
        ("2023-05-08", set()),
        ("2024-01-02", {EW, NI}),
        ("2024-12-02", {EW, NI}),
        ("2026-03-17", {EW, SCT}),
        ("2026-04-06", {SCT}),
        ("2026-06-15", {EW, NI}),
        ("2026-07-13", {EW, SCT}),
        ("2026-08-03", {EW, NI}),
        ("2026-08-31", {SCT}),
        ("2026-12-28", set()),
        ("2027-01-04", {EW, NI}),
        ("2027-12-28", set()),
        ("2026-12-29", {EW, SCT, NI, UK}),
    ],
)
def test_which_regions_work_on_a_day(day, working_in):
    assert {region for region in REGIONS if is_working_day(d(day), region)} == working_in


def test_weekends_are_never_working_days():
    assert not any(is_working_day(d("2025-06-07"), region) for region in REGIONS)
    assert not any(is_working_day(d("2025-06-08"), region) for region in REGIONS)


def test_substitute_days_are_in_the_published_list_beside_the_weekend_day_they_replace():
    holidays_2022 = bank_holidays(EW, 2022)

    assert {d("2022-12-25"), d("2022-12-26"), d("2022-12-27")} <= holidays_2022


# --- Counting between two dates -----------------------------------------------------------------


def test_working_days_between_counts_the_days_after_the_start_up_to_the_end():
    assert working_days_between(d("2022-12-23"), d("2023-01-04"), EW) == 5
    assert working_days_between(d("2022-12-23"), d("2023-01-04"), SCT) == 4
    assert working_days_between(d("2025-06-06"), d("2025-06-06"), EW) == 0
    assert working_days_between(d("2025-06-06"), d("2025-06-09"), EW) == 1
    assert working_days_between(d("2025-06-06"), d("2025-06-08"), EW) == 0


def test_working_days_between_is_negative_backwards():
    assert working_days_between(d("2023-01-04"), d("2022-12-23"), EW) == -5
    # Seen from a Saturday, Friday is one working day back (add_working_days(Sat, -1) is Fri).
    assert working_days_between(d("2025-06-07"), d("2025-06-06"), EW) == -1


def naive_between(a: date, b: date, region: str) -> int:
    """The definition, one day at a time: forward, the days in (a, b]; back, minus [b, a)."""
    if a <= b:
        span = [a + timedelta(days=i) for i in range(1, (b - a).days + 1)]
        return sum(is_working_day(day, region) for day in span)
    span = [b + timedelta(days=i) for i in range((a - b).days)]
    return -sum(is_working_day(day, region) for day in span)


@pytest.mark.parametrize("region", REGIONS)
def test_counting_over_years_agrees_with_stepping_day_by_day(region):
    for a, b in [
        ("2022-01-01", "2027-12-31"),
        ("2022-12-23", "2023-01-09"),
        ("2026-03-29", "2026-04-12"),
        ("2027-12-31", "2022-01-01"),
        ("2026-08-30", "2026-05-31"),
    ]:
        assert working_days_between(d(a), d(b), region) == naive_between(d(a), d(b), region)


@pytest.mark.parametrize("region", REGIONS)
def test_adding_then_counting_gives_back_the_number_of_working_days(region):
    start = d("2022-01-01")
    while start < d("2028-01-01"):
        for n in (-12, -5, -1, 0, 1, 5, 10, 20):
            end = add_working_days(start, n, region)
            assert working_days_between(start, end, region) == n, (start, n)
            if n:
                assert is_working_day(end, region)
        start += timedelta(days=5)


# --- Misuse fails loudly ----------------------------------------------------------------------


def test_an_unknown_region_is_refused():
    with pytest.raises(ValueError, match="england-and-wales"):
        add_working_days(d("2025-06-06"), 5, "wales")


def test_a_datetime_is_refused_so_the_caller_chooses_the_local_date():
    with pytest.raises(TypeError):
        add_working_days(datetime(2025, 6, 6, 23, 30), 5, EW)  # noqa: DTZ001
    with pytest.raises(TypeError):
        is_working_day(datetime(2025, 6, 6, 23, 30), EW)  # noqa: DTZ001
