"""The authorization matrix: for every page route (from Django's URL resolver) and every API
operation (from the OpenAPI schema), the status each caller must get.

Callers: `anonymous`, each role of one partnership (`ig_officer`, `manager`, `senco`,
`practitioner`, `auditor`) and `outsider` (the IG officer of another partnership, who must get a
404 for anything of ours, exactly as if it did not exist).

Each app has a module here (partners.py, agreements.py, …) with two dicts:

    PAGES = {"url_name": Page(expect=..., kwargs=lambda w: {...})}
    API = {"GET /api/things/{id}/": Api(expect=..., params=lambda w: {...})}

`expect` is built with the helpers below, which say who may and what the others get:

    page(CAN_VIEW)                      # 200 for those roles, 403 for the rest, 302 anonymous
    page(IG, of_object=True)            # … and 404 for the outsider (an object of ours)
    api(EVERYONE, of_object=True)       # 401 anonymous in the API
    page(EVERYONE, ok=405)              # a POST-only page tried with GET

`kwargs`/`params` build the URL from the World `w` (w.council, w.member("senco"), w.contact,
…; an app's module may add its own objects with `w.once("name", factory)`). A POST is tried with
an empty body (`data`/`body` to give one); each request is rolled back afterwards, so nothing a
caller does changes what the next one finds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("ig_officer", "manager", "senco", "practitioner", "auditor")
CALLERS = ("anonymous", *ROLES, "outsider")
EVERYONE = frozenset(ROLES)
IG = frozenset({"ig_officer"})
IG_AND_AUDITOR = frozenset({"ig_officer", "auditor"})
NOBODY = frozenset()


def _expect(
    allowed, *, ok: int, denied: int, anonymous: int, outsider: int | None, of_object: bool
) -> dict[str, int]:
    allowed = frozenset(allowed)
    statuses = {"anonymous": anonymous}
    statuses.update({role: ok if role in allowed else denied for role in ROLES})
    if outsider is None:
        # The outsider is the IG officer of their own partnership: an object of ours does not
        # exist for them; a page of no object behaves as it does for an IG officer.
        may = "ig_officer" in allowed
        outsider = (404 if of_object else ok) if may else denied
    statuses["outsider"] = outsider
    return statuses


def page(
    allowed=EVERYONE,
    *,
    ok: int = 200,
    denied: int = 403,
    anonymous: int = 302,
    outsider: int | None = None,
    of_object: bool = False,
    **overrides: int,
) -> dict[str, int]:
    """A page: anonymous callers are sent to sign in (302)."""
    statuses = _expect(
        allowed,
        ok=ok,
        denied=denied,
        anonymous=anonymous,
        outsider=outsider,
        of_object=of_object,
    )
    return {**statuses, **overrides}


def api(
    allowed=EVERYONE,
    *,
    ok: int = 200,
    denied: int = 403,
    anonymous: int = 401,
    outsider: int | None = None,
    of_object: bool = False,
    **overrides: int,
) -> dict[str, int]:
    """An API operation: anonymous callers get 401."""
    statuses = _expect(
        allowed,
        ok=ok,
        denied=denied,
        anonymous=anonymous,
        outsider=outsider,
        of_object=of_object,
    )
    return {**statuses, **overrides}


def same(status: int) -> dict[str, int]:
    """Every caller, signed in or not, gets `status`."""
    return dict.fromkeys(CALLERS, status)


@dataclass(frozen=True)
class Page:
    expect: dict[str, int]
    kwargs: Callable[[Any], dict] | None = None
    method: str = "GET"
    data: Callable[[Any], dict] | None = None
    # Where an anonymous caller's 302 must lead (the sign-in page by default).
    login_url: str = "/sign-in/"
    # Who to try; everyone by default. Only for a rule over a whole namespace whose access does
    # not depend on the role (the platform admin: platform staff only).
    callers: tuple[str, ...] = CALLERS


@dataclass(frozen=True)
class Api:
    expect: dict[str, int]
    params: Callable[[Any], dict] | None = None
    body: Callable[[Any], dict] | None = None


@dataclass
class World:
    """The partnership whose objects every caller is tried against, and objects made on demand."""

    partnership: Any
    outsider: Any
    cache: dict[str, Any] = field(default_factory=dict)

    def member(self, role: str):
        return self.partnership.member(role)

    @property
    def tenant(self):
        return self.partnership.tenant

    @property
    def council(self):
        return self.partnership.council

    @property
    def school(self):
        return self.partnership.school

    def once(self, name: str, make: Callable[[World], Any]) -> Any:
        """The object `make(w)` made the first time it is asked for, the same one after."""
        if name not in self.cache:
            self.cache[name] = make(self)
        return self.cache[name]
