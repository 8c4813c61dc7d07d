"""CSV exports that a spreadsheet cannot be tricked into running (CSV or formula injection).

A cell that begins with = + - @ (or a tab or carriage return, which spreadsheets skip before
looking for one of those) is read by Excel, LibreOffice and Google Sheets as a formula, which can
fetch URLs or run commands. Such a cell gets a leading apostrophe, which spreadsheets show as
text and do not evaluate (the OWASP recommendation). Numbers, dates and booleans are written as
they are: they are values, not text someone typed.

Every CSV the service produces goes through `csv_response()` or `SafeCsvWriter`.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.cache import patch_cache_control

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_VALUES = (int, float, decimal.Decimal, bool, datetime.date, datetime.datetime, datetime.time)


def safe_cell(value: Any) -> Any:
    """The value as it may be written to a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, _VALUES):
        return value
    text = str(value)
    # Spaces before the formula sign do not stop some spreadsheets evaluating it.
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeCsvWriter:
    """csv.writer whose every cell goes through safe_cell()."""

    def __init__(self, stream, **kwargs) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    """A file-like object whose write() returns what it was given, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = SafeCsvWriter(_Echo())
    # A byte order mark, so that Excel reads the file as UTF-8 (names with accents survive).
    yield "\ufeff"
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """A CSV download, streamed row by row (an export of a million rows never sits in memory).
    The view records the export in the access audit before returning this."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "-", filename)
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
