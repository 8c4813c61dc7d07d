"""The authorization matrix of the sharing log pages (the sharing log API has its own entries).

The objects are those of tests/sharing_log/pages_world.py's `build_world`: a pupil of the
school, whose record the school's SENCo and practitioner see, and the council's people through
the share with the council; a share with the council on consent (with an inaccuracy notice the
council acknowledges) and a police request waiting for the council's manager, a designated
manager for the school. Only the school's people record and correct its decisions and give
notice; only the designated manager approves the override; only the council (a recipient)
acknowledges the notice.
"""

from __future__ import annotations

from tests.security.matrix import EVERYONE, Page, World, page
from tests.sharing_log.pages_world import World as LogWorld
from tests.sharing_log.pages_world import build_world

RECORDERS = frozenset({"manager", "senco", "practitioner"})
SCHOOL = frozenset({"senco", "practitioner"})
EXPORTERS = frozenset({"ig_officer", "manager", "auditor"})
# The council is the notice's recipient: its IG officer and manager acknowledge.
ACKNOWLEDGERS = frozenset({"ig_officer", "manager"})


def log(w: World) -> LogWorld:
    return w.once("sharing_log_pages", lambda w: build_world(w.partnership))


def _of(attribute: str):
    return lambda w: {"id": getattr(log(w), attribute).public_id}


PAGES: dict[str, Page] = {
    "sharing_log:decision_list": Page(page(EVERYONE)),
    "sharing_log:decision_export": Page(page(EXPORTERS)),
    "sharing_log:decision_start": Page(page(RECORDERS)),
    "sharing_log:decision_aggregate": Page(page(RECORDERS)),
    # htmx endpoints of the decision form: POST only.
    "sharing_log:data_items": Page(page(RECORDERS), method="POST"),
    "sharing_log:consent_check": Page(
        page(RECORDERS, of_object=True), kwargs=_of("child"), method="POST"
    ),
    "sharing_log:child_log": Page(page(EVERYONE, of_object=True), kwargs=_of("child")),
    "sharing_log:child_export": Page(page(EXPORTERS, of_object=True), kwargs=_of("child")),
    "sharing_log:decision_record": Page(page(RECORDERS, of_object=True), kwargs=_of("child")),
    "sharing_log:decision_detail": Page(page(EVERYONE, of_object=True), kwargs=_of("share")),
    "sharing_log:decision_supersede": Page(page(SCHOOL, of_object=True), kwargs=_of("share")),
    "sharing_log:override_decide": Page(
        page({"manager"}, of_object=True, outsider=404), kwargs=_of("override")
    ),
    "sharing_log:notice_create": Page(page(SCHOOL, of_object=True), kwargs=_of("share")),
    "sharing_log:override_queue": Page(page(EVERYONE)),
    "sharing_log:notice_list": Page(page(EVERYONE)),
    "sharing_log:notice_detail": Page(page(EVERYONE, of_object=True), kwargs=_of("notice")),
    "sharing_log:notice_acknowledge": Page(
        page(ACKNOWLEDGERS, of_object=True), kwargs=_of("notice")
    ),
}
