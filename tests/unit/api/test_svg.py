"""The admin page's charts: bars scaled to the largest value, or a sentence when there is none."""

from __future__ import annotations

import re

from api.svg import bar_chart_svg


def test_bars_are_scaled_to_the_largest_value_and_labelled() -> None:
    svg = bar_chart_svg([2.0, 4.0], ["10:00", "10:05"], title="Done", height=120)
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights == [50.0, 100.0]
    assert "max 4" in svg and "<title>10:05: 4</title>" in svg


def test_a_chart_with_nothing_in_it_says_so() -> None:
    svg = bar_chart_svg([0.0, 0.0], ["10:00", "10:05"], title="Done", when_empty="None today.")
    assert "None today." in svg and "max" not in svg
