"""The authorization matrix's count of routes × callers goes in pytest's closing summary, so
the CI log shows how much was tried."""

import sys


def pytest_terminal_summary(terminalreporter):
    module = sys.modules.get("tests.security.test_authorization_matrix")
    for line in getattr(module, "MATRIX_SUMMARY", []):
        terminalreporter.write_line(line)
