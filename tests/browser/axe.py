"""Accessibility checks with axe-core, run in the page under test.

axe-core is vendored at static/vendor/axe.min.js (no CDN) and runs with the WCAG 2.0, 2.1 and
2.2 level A and AA rules. A serious or critical violation fails the test; minor and moderate
ones are reported by axe but left to review. Automated checks find only part of the barriers a
person using assistive technology meets, so they add to manual testing, never replace it.

axe is injected as a script element whose source is the vendored file as the live server serves
it, not as inline text: a Content-Security-Policy of script-src 'self' would rightly block an
inline script, and bypassing the policy would hide the service's own CSP errors from the tests.
"""

from __future__ import annotations

from django.templatetags.static import static

AXE_SCRIPT = "vendor/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = frozenset({"serious", "critical"})

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }));
}
"""


def axe_violations(page) -> list[dict]:
    """Every WCAG A/AA violation axe finds on the page as it is now, whatever its impact."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=static(AXE_SCRIPT))
    return page.evaluate(_RUN_AXE, WCAG_TAGS)


def assert_accessible(page) -> None:
    """Fail listing every serious or critical violation: rule, what it asks, where it is."""
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    if failing:
        lines = [f"axe found {len(failing)} serious or critical violation(s) on {page.url}:"]
        for violation in failing:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.append(f"  {violation['helpUrl']}")
            lines.extend(f"  at {target}" for target in violation["targets"])
        raise AssertionError("\n".join(lines))
