"""Browser tests: Playwright driving Debian's headless Chromium against pytest-django's live server.

One browser for all the tests in this folder and a fresh context (cookies, storage) for each
test keeps the suite fast and the tests independent. Playwright's own browser downloads are
never used: the browser is the system's /usr/bin/chromium. Without it the tests skip, unless
SHAREWELL_REQUIRE_SERVICES=1 (CI), where a missing browser is a failure.

Every test in this folder is marked `browser`, so `pytest -m "not browser"` leaves them out.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.journey import Journey

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Long enough for a slow CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000

HERE = Path(__file__).resolve().parent
CALL_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


def _unavailable(reason: str) -> None:
    if os.environ.get("SHAREWELL_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (SHAREWELL_REQUIRE_SERVICES=1, so browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")

    # Sync Playwright leaves its event loop marked as running in the main thread until it
    # stops, and Django refuses ORM calls from a thread with a running loop; the tests' own
    # database work (seeding, lookups, flushing) is synchronous, so it is allowed meanwhile.
    # Package scope stops Playwright and unsets the variable once this folder's tests are done,
    # so neither leaks into later tests or the subprocesses they start.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
        finally:
            playwright.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def journey(request, page, live_server):
    """A Journey over the live server: every page it visits is checked (see journey.py)."""
    journey = Journey(page, live_server.url)
    yield journey
    # A test that failed already says why; checking its last page again would only add noise.
    if not request.node.stash.get(CALL_FAILED, False):
        journey.finish()
