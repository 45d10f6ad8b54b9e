"""Small charts drawn on the server as SVG, so pages load nothing from outside."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class TimelineEvent:
    label: str
    kind: str  # diagnosis, test, treatment
    when: str  # a date or an order label such as "document 2"


_COLORS = {"diagnosis": "#8a2be2", "test": "#1f6feb", "treatment": "#1a7f37"}


def timeline_svg(events: list[TimelineEvent], *, width: int = 760) -> str:
    """Draw events left to right on one line, each with its kind's colour and its label."""
    if not events:
        return ""
    row = 34
    height = 30 + row * len(events)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="Timeline of diagnosis, tests and treatments">',
        f'<line x1="20" y1="15" x2="20" y2="{height - 10}" stroke="#8aa0b8" stroke-width="2"/>',
    ]
    for index, event in enumerate(events):
        y = 30 + index * row
        color = _COLORS.get(event.kind, "#555")
        title = f"<title>{escape(event.kind)}</title>"
        parts.append(f'<circle cx="20" cy="{y}" r="7" fill="{color}">{title}</circle>')
        parts.append(
            f'<text x="38" y="{y + 5}" font-size="14" fill="#1d2733">'
            f'<tspan font-weight="600">{escape(event.when)}</tspan>  {escape(event.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_svg(
    values: list[float], labels: list[str], *, title: str, width: int = 760, height: int = 180
) -> str:
    """Draw a labelled bar chart; used for throughput and latency over the last hour."""
    top = max(values, default=0) or 1
    bar_width = (width - 40) / max(len(values), 1)
    parts = [
        # The viewBox lets a narrow screen scale the chart down instead of cutting it off.
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height + 30}" viewBox="0 0 {width} {height + 30}" aria-label="{escape(title)}">'
    ]
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        bar = (value / top) * (height - 20)
        x = 30 + index * bar_width
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bar:.1f}" width="{bar_width * 0.8:.1f}" '
            f'height="{bar:.1f}" '
            f'fill="#1f6feb"><title>{escape(label)}: {value:g}</title></rect>'
        )
        parts.append(f'<text x="{x:.1f}" y="{height + 16}" font-size="10">{escape(label)}</text>')
    parts.append(f'<text x="30" y="12" font-size="12">max {top:g}</text></svg>')
    return "".join(parts)
