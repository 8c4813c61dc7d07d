"""The statistics every benchmark prints, in a module that sets nothing up on import (unlike
bench/harness.py, which chooses the bench settings), so the PDF benchmarks share it too."""

from __future__ import annotations

import math


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank p-th percentile: the smallest value that at least p % of them reach."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]
