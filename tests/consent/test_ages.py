"""The end of compulsory school age: the last Friday in June of the school year (September to
August) in which the child turns 16."""

import datetime as dt

import pytest

from consent.ages import (
    end_of_compulsory_school_age,
    is_past_compulsory_school_age,
    last_friday_of_june,
    latest_birth_date_past_compulsory_school_age,
)


@pytest.mark.parametrize(
    ("year", "friday"),
    [(2025, dt.date(2025, 6, 27)), (2026, dt.date(2026, 6, 26)), (2028, dt.date(2028, 6, 30))],
)
def test_the_last_friday_of_june(year, friday):
    assert last_friday_of_june(year) == friday
    assert friday.weekday() == 4


@pytest.mark.parametrize(
    ("born", "leaves"),
    [
        # Turns 16 on 1 September 2026: the school year that ends in summer 2027.
        (dt.date(2010, 9, 1), dt.date(2027, 6, 25)),
        # Turns 16 on 31 August 2026: the last of the year group leaving in June 2026, two
        # months before their birthday.
        (dt.date(2010, 8, 31), dt.date(2026, 6, 26)),
        # Turns 16 in January 2026: the school year that ends in summer 2026.
        (dt.date(2010, 1, 15), dt.date(2026, 6, 26)),
        (dt.date(2009, 12, 25), dt.date(2026, 6, 26)),
        # 29 February: turns 16 on 28 February 2028.
        (dt.date(2012, 2, 29), dt.date(2028, 6, 30)),
    ],
)
def test_the_end_of_compulsory_school_age(born, leaves):
    assert end_of_compulsory_school_age(born) == leaves
    assert not is_past_compulsory_school_age(born, leaves - dt.timedelta(days=1))
    assert is_past_compulsory_school_age(born, leaves)


def test_who_is_past_compulsory_school_age_is_a_cut_off_on_the_date_of_birth():
    """The query for a day selects by date of birth alone, and agrees with the rule for every
    birthday around the cut-off on every day of two years."""
    births = [dt.date(2008, 1, 1) + dt.timedelta(days=n) for n in range(0, 3 * 366, 3)]
    births += [dt.date(2009, 8, 31), dt.date(2009, 9, 1), dt.date(2010, 8, 31)]
    days = {dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(0, 730, 5)}
    for year in (2025, 2026):
        friday = last_friday_of_june(year)
        days |= {friday - dt.timedelta(days=1), friday, friday + dt.timedelta(days=1)}
    for day in sorted(days):
        cut_off = latest_birth_date_past_compulsory_school_age(day)
        for born in births:
            assert (born <= cut_off) == is_past_compulsory_school_age(born, day), (born, day)
