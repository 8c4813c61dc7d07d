"""The tenant escape hatches (`cross_tenant()`, `cross_tenant_context()`) are used only where
the design allows: sign-in's membership lookup, the platform admin, jobs and commands.

Every .py file of the project's apps is parsed (not tests, not migrations); a use anywhere else
fails with the allow-list in the message. A new use needs a reason and a line here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
HATCHES = {"cross_tenant", "cross_tenant_context"}
SKIPPED_DIRS = {"tests", "migrations", "node_modules", "static", "var", "templates"}

# (file pattern relative to the project, function that may use a hatch or "*" for any)
ALLOWED: list[tuple[str, str]] = [
    ("partners/tenancy.py", "*"),  # Where the hatches are defined.
    ("partners/selectors.py", "memberships_for_user"),  # Sign-in picks among a user's tenants.
    ("partners/selectors.py", "invitation_for_token"),  # An invitee has no membership yet.
    ("partners/admin_site.py", "*"),  # The platform admin spans partnerships.
    ("*/management/commands/*.py", "*"),  # Commands run outside any request.
    ("*/tasks.py", "*"),  # Jobs sweep every tenant, then activate each one.
]


@dataclass(frozen=True)
class Use:
    path: str
    line: int
    function: str
    name: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}(): {self.name}"


class _HatchFinder(ast.NodeVisitor):
    """Any mention of a hatch: a call, an attribute, a name, an import, or a string naming it
    (getattr(manager, "cross_tenant") is still a use)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.functions: list[str] = []
        self.uses: list[Use] = []

    def _found(self, node: ast.AST, name: str) -> None:
        function = self.functions[0] if self.functions else "<module>"
        self.uses.append(Use(self.path, node.lineno, function, name))

    def _in_function(self, node) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _in_function

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in HATCHES:
            self._found(node, node.attr)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in HATCHES:
            self._found(node, node.id)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name in HATCHES:
                self._found(node, alias.name)

    def visit_Constant(self, node: ast.Constant) -> None:
        if node.value in HATCHES:
            self._found(node, repr(node.value))


def _source_files(root: Path):
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            continue
        yield relative


def _allowed(use: Use) -> bool:
    return any(
        fnmatch(use.path, pattern) and function in ("*", use.function)
        for pattern, function in ALLOWED
    )


def hatch_uses_outside_the_allow_list(root: Path) -> list[Use]:
    uses: list[Use] = []
    for relative in _source_files(root):
        finder = _HatchFinder(relative.as_posix())
        finder.visit(ast.parse((root / relative).read_text(), filename=str(relative)))
        uses.extend(use for use in finder.uses if not _allowed(use))
    return uses


def _allow_list() -> str:
    return "\n".join(f"  {pattern} ({function})" for pattern, function in ALLOWED)


def test_the_escape_hatches_are_used_only_where_allowed():
    forbidden = hatch_uses_outside_the_allow_list(PROJECT)

    assert not forbidden, (
        "cross_tenant() / cross_tenant_context() used outside the allow-list:\n  "
        + "\n  ".join(map(str, forbidden))
        + "\nAllowed (file, function):\n"
        + _allow_list()
        + "\nA view, serializer, form or service must work in the active tenant instead."
    )


def test_the_scan_reads_the_project_apps():
    scanned = {path.as_posix() for path in _source_files(PROJECT)}

    assert {"partners/tenancy.py", "partners/selectors.py", "partners/api/shell.py"} <= scanned
    assert not any(path.startswith(("tests/", ".venv/")) for path in scanned)
    assert not any("/migrations/" in path for path in scanned)


@pytest.mark.parametrize(
    ("path", "source", "caught"),
    [
        ("consent/views.py", "Thing.objects.cross_tenant().all()\n", True),
        (
            "consent/services.py",
            "from partners.tenancy import cross_tenant_context as anywhere\n",
            True,
        ),
        ("consent/api.py", "rows = getattr(Thing.objects, 'cross_tenant')()\n", True),
        (
            "partners/selectors.py",
            "def organisation_list():\n    return Organisation.objects.cross_tenant()\n",
            True,
        ),
        (
            "partners/selectors.py",
            "def memberships_for_user():\n    return Membership.objects.cross_tenant()\n",
            False,
        ),
        (
            "consent/tasks.py",
            "def sweep():\n    with cross_tenant_context():\n        pass\n",
            False,
        ),
        ("consent/management/commands/purge.py", "Thing.objects.cross_tenant()\n", False),
        ("consent/migrations/0002_data.py", "Thing.objects.cross_tenant()\n", False),
        ("consent/models.py", '"""Say `cross_tenant()` is forbidden here."""\n', False),
    ],
)
def test_the_scan_catches_a_use_outside_the_allow_list(tmp_path, path, source, caught):
    target = tmp_path / path
    target.parent.mkdir(parents=True)
    target.write_text(source)

    assert bool(hatch_uses_outside_the_allow_list(tmp_path)) is caught
