"""What the PDF benchmarks print: the page count, the size, the fonts the PDF is drawn in, and
the p50 / p95 / min / max of the timed renders, elapsed ("wall") and CPU."""

from __future__ import annotations

import io
import statistics
import sys

from bench.stats import machine_speed_line, percentile

# The font the PDFs are drawn in where Sharewell runs (the Dockerfile installs Debian's
# fonts-liberation; `make chromium` does too). Without it Pango falls back to DejaVu Sans, whose
# wider letters make the 22-page agreement 24 pages and its render a third slower (7 December
# 2026: 1.75 s against 1.31 s), so a figure measured without it is not the deployed one.
DEPLOYED_FONT = "Liberation-Sans"


def embedded_fonts(pages) -> set[str]:
    """The base names of the fonts the PDF's pages (pypdf's) embed, without subset prefixes."""
    names = set()
    for page in pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/")
            names.add(name.split("+", 1)[-1])
    return names


def report(label: str, data: bytes, wall: list[float], cpu: list[float]) -> None:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    fonts = embedded_fonts(pages)
    print(machine_speed_line())
    print(f"{label}: {len(pages)} pages, {len(data) / 1024:.0f} KiB, {len(wall)} runs")
    print(f"  drawn in {', '.join(sorted(fonts))}")
    if not any(name.startswith(DEPLOYED_FONT) for name in fonts):
        print(
            f"  warning: not drawn in {DEPLOYED_FONT}, the deployed font: install Debian's "
            "fonts-liberation (`make chromium` does) to measure what users get",
            file=sys.stderr,
        )
    for name, values in (("wall", wall), ("cpu ", cpu)):
        print(
            f"  {name}  p50 {statistics.median(values):.3f} s  p95 {percentile(values, 95):.3f} s  "
            f"min {min(values):.3f} s  max {max(values):.3f} s"
        )
