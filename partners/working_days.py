"""Working days: the one place that knows which days count towards a deadline.

A working day is Monday to Friday and not a bank holiday of the tenant's region, as published by
the `holidays` package for the UK's subdivisions, substitute days ("observed") and one-off bank
holidays (jubilees, a state funeral, a coronation, Scotland's 2026 World Cup holiday) included.

Regions are `BankHolidayRegion` values. England and Wales share one list on gov.uk; the package
keeps ENG and WLS apart, so that region takes the union of both (identical in every year so far).
"Any part of the UK" takes the union of all four subdivisions: a day that is a bank holiday
anywhere in the UK is not a working day, as section 10(6) of the Freedom of Information Act 2000
defines one.

Counting: day 0 is the start date itself and day N is the Nth working day after it, so a breach
identified on a Friday has its 5-working-day deadline on the next Friday (Monday is day 1). The
start date need not be a working day: from a Saturday, day 1 is the Monday. A negative N counts
back: day -1 is the last working day before the start date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from partners.models import BankHolidayRegion

SUBDIVISIONS: dict[str, tuple[str, ...]] = {
    BankHolidayRegion.ENGLAND_AND_WALES: ("ENG", "WLS"),
    BankHolidayRegion.SCOTLAND: ("SCT",),
    BankHolidayRegion.NORTHERN_IRELAND: ("NIR",),
    BankHolidayRegion.ANY_PART_OF_UK: ("ENG", "WLS", "SCT", "NIR"),
}
_ONE_DAY = timedelta(days=1)


def _region(region: str) -> str:
    try:
        return BankHolidayRegion(region).value
    except ValueError:
        raise ValueError(
            f"Unknown bank holiday region {region!r}; use one of "
            + ", ".join(BankHolidayRegion.values)
        ) from None


def _as_date(value: date) -> date:
    # A datetime is a date too, but comparing one with the holiday dates silently never matches;
    # the caller converts to the tenant's local date first.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"Expected a date, not {type(value).__name__}")
    return value


@lru_cache(maxsize=512)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    days: set[date] = set()
    for subdivision in SUBDIVISIONS[region]:
        # The UK has one category of holiday in the package ("public"), the bank holidays.
        days.update(holidays.country_holidays("GB", subdiv=subdivision, years=year).keys())
    return frozenset(days)


def bank_holidays(region: str, year: int) -> frozenset[date]:
    """The region's bank holidays in `year`, substitute days included (some fall at weekends)."""
    return _bank_holidays(_region(region), year)


def is_working_day(day: date, region: str) -> bool:
    day = _as_date(day)
    return day.weekday() < 5 and day not in _bank_holidays(_region(region), day.year)


def add_working_days(start: date, n: int, region: str) -> date:
    """The Nth working day after `start` (N > 0), `start` itself (N = 0), or the |N|th working
    day before it (N < 0)."""
    day = _as_date(start)
    region = _region(region)
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if day.weekday() < 5 and day not in _bank_holidays(region, day.year):
            remaining -= 1
    return day


def working_days_between(a: date, b: date, region: str) -> int:
    """How many working days lie between `a` and `b`, counted as `add_working_days` counts them:
    going forward, the working days after `a` up to and including `b`; going back, minus the
    working days before `a` down to and including `b`. So whenever `b` is a working day,
    `add_working_days(a, working_days_between(a, b, region), region) == b`; a positive answer
    between a deadline and today is how many working days it is overdue."""
    a, b = _as_date(a), _as_date(b)
    region = _region(region)
    if a <= b:
        return _working_days_in(a + _ONE_DAY, b, region)
    return -_working_days_in(b, a - _ONE_DAY, region)


def _working_days_in(first: date, last: date, region: str) -> int:
    """Working days from `first` to `last`, both included; 0 for an empty range."""
    if first > last:
        return 0
    total_days = (last - first).days + 1
    full_weeks, rest = divmod(total_days, 7)
    weekdays = full_weeks * 5 + sum(
        1 for offset in range(rest) if (first + timedelta(days=offset)).weekday() < 5
    )
    holidays_on_weekdays = sum(
        1
        for year in range(first.year, last.year + 1)
        for day in _bank_holidays(region, year)
        if first <= day <= last and day.weekday() < 5
    )
    return weekdays - holidays_on_weekdays
