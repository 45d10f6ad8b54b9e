"""Small charts drawn on the server as SVG, so pages load nothing from outside."""

from __future__ import annotations

from html import escape


def bar_chart_svg(
    values: list[float],
    labels: list[str],
    *,
    title: str,
    when_empty: str = "Nothing to show.",
    width: int = 760,
    height: int = 180,
) -> str:
    """Draw a labelled bar chart; used for throughput and latency over the last hour. With no
    value above zero it says `when_empty` where the bars would be, not an empty frame."""
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
    if any(values):
        parts.append(f'<text x="30" y="12" font-size="12">max {top:g}</text>')
    else:
        parts.append(
            f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" font-size="14" '
            f'text-anchor="middle" fill="#4a5563">{escape(when_empty)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
