"""A user's journey through the service, checking every page it visits.

Each page the journey loads is checked with axe (tests/browser/axe.py), and the journey fails on
any browser console error, uncaught script error, failed or erroring request for a static file, or
server error on a page.
Visits go through `goto()` and `follow()`, which check the new page on arrival; at the end of the
test, `finish()` also fails if some page was loaded another way and never checked.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from tests.browser.axe import assert_accessible


class Journey:
    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.problems: list[str] = []
        self.loaded: list[str] = []
        self.checked = 0
        page.on("load", lambda loaded: self.loaded.append(loaded.url))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    # --- Moving about --------------------------------------------------------------------

    def goto(self, path: str):
        """Open a path of the live server and check the page; returns the HTTP response."""
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def follow(self, action: Callable[[], object]) -> None:
        """Do something that loads a new page (follow a link, submit a form), then check it."""
        with self.page.expect_navigation():
            action()
        self.check()

    def click(self, locator) -> None:
        self.follow(locator.click)

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    # --- Checks --------------------------------------------------------------------------

    def check(self) -> None:
        """Check the page as it is now: console, static-file and server errors, then axe.

        Call it directly after a change that loads no new page (an htmx swap, an opened panel).
        """
        self.page.wait_for_load_state("load")
        # A server or script error explains more than the accessibility of its error page.
        self.assert_no_browser_errors()
        assert_accessible(self.page)
        # axe's evaluate() is a round trip to the browser, so the load events of every page
        # up to this one have been delivered by now.
        self.checked = len(self.loaded)

    def assert_no_browser_errors(self) -> None:
        if self.problems:
            problems, self.problems = self.problems, []
            raise AssertionError(
                f"The browser reported {len(problems)} problem(s) by {self.page.url}:\n"
                + "\n".join(f"- {problem}" for problem in problems)
            )

    def finish(self) -> None:
        """End of the test: every page loaded was checked, and nothing went wrong since."""
        unchecked = self.loaded[self.checked :]
        if unchecked == [self.page.url]:
            # The journey ended on a page that arrived without goto()/follow(); check it now.
            self.check()
        elif unchecked:
            raise AssertionError(
                "Pages were loaded without an accessibility check (use journey.goto() or "
                "journey.follow()): " + ", ".join(unchecked)
            )
        self.assert_no_browser_errors()

    # --- Browser events ------------------------------------------------------------------

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url", "")
            self.problems.append(f"console error: {message.text} ({where})")

    def _is_static(self, url: str) -> bool:
        return urlsplit(url).path.startswith("/static/")

    def _on_request_failed(self, request) -> None:
        # The browser aborts what a page was still fetching (its favicon, say) when the
        # journey moves on to the next page. That is not a broken file: a missing one is a 404
        # (see _on_response), and an unreachable one fails with its own error.
        if request.failure == "net::ERR_ABORTED":
            return
        if self._is_static(request.url):
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response) -> None:
        if self._is_static(response.url) and response.status >= 400:
            self.problems.append(f"HTTP {response.status} for {response.url}")
        elif response.status >= 500 and response.request.is_navigation_request():
            self.problems.append(f"server error {response.status} for {response.url}")
