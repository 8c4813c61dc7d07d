"""The ages at which consent changes hands or is looked at again.

When a child reaches the end of compulsory school age — the last Friday in June of the school
year (1 September to 31 August) in which they turn 16 (Education Act 1996 s.8 and the Education
(School Leaving Date) Order 1997) — the rights under Part 3 of the Children and Families Act 2014
pass from the parent to the young person, so consent a parent gave is renewed by the young person.
A partnership may also look at a parent's consent again when the child turns 12, the age from
which a child is usually mature enough to decide about their own information.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

AGE_OF_REVIEW = 12


def last_friday_of_june(year: int) -> date:
    last_day = date(year, 6, 30)
    return last_day - timedelta(days=(last_day.weekday() - calendar.FRIDAY) % 7)


def birthday(date_of_birth: date, years: int) -> date:
    """The day someone turns `years` (28 February in a common year for a 29 February birth)."""
    return date_of_birth + relativedelta(years=years)


def end_of_compulsory_school_age(date_of_birth: date) -> date:
    sixteenth = birthday(date_of_birth, 16)
    # A birthday from September falls in the school year that ends the next summer.
    school_year_ends = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    return last_friday_of_june(school_year_ends)


def latest_birth_date_past_compulsory_school_age(on: date) -> date:
    """Everyone born on or before this day has reached the end of compulsory school age by `on`
    (and nobody born after it has), so that a query can select them by date of birth alone."""
    summer = on.year if on >= last_friday_of_june(on.year) else on.year - 1
    # Those whose school year ended in `summer` or earlier: turned 16 by 31 August of it.
    return date(summer - 16, 8, 31)


def is_past_compulsory_school_age(date_of_birth: date, on: date) -> bool:
    return end_of_compulsory_school_age(date_of_birth) <= on
