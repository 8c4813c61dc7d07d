"""The statistics every benchmark prints, in a module that sets nothing up on import (unlike
bench/harness.py, which chooses the bench settings), so the PDF benchmarks share it too."""

from __future__ import annotations

import math
import time


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank p-th percentile: the smallest value that at least p % of them reach."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# The speed of the machine's Python, which every CPU-bound figure moves with: machines of the
# same kind have taken 168 to 714 ms for this loop (docs/performance.md). Printed beside the
# figures so that a run can be compared with the documented ones. It runs at module level, as
# the documented measurements ran it (`python3 -c`): names in a dict, not a function's locals.
SPEED_LOOP = compile("total = 0\nfor i in range(3_000_000):\n    total += i\n", "speed", "exec")


def machine_speed_ms() -> float:
    """The CPU milliseconds the fixed loop of Python additions takes (the best of three)."""
    best = math.inf
    for _ in range(3):
        started = time.process_time()
        exec(SPEED_LOOP, {})  # noqa: S102 (a constant of this module)
        best = min(best, time.process_time() - started)
    return best * 1000


def machine_speed_line() -> str:
    return (
        f"# machine speed: 3,000,000 additions in Python take {machine_speed_ms():.0f} ms of CPU "
        "(the documented machines took 168-714 ms; CPU-bound figures scale with it)"
    )
