"""Charts to images with vl-convert (no browser): PNG for slides and downloads, SVG for the HTML report."""

from __future__ import annotations

import altair as alt
import vl_convert as vlc

from kpi.wording import currency_symbol

PNG_SCALE = 2.0  # pixels per chart pixel: crisp on a projector


def _spec(chart: alt.TopLevelMixin, width: int | None) -> str:
    """Larger type than on screen: a slide is read from across a room."""
    if width is not None:
        chart = chart.properties(width=width)
    chart = (
        chart.configure_axis(labelFontSize=15, titleFontSize=16, labelOverlap="greedy")
        .configure_title(fontSize=20, subtitleFontSize=15, anchor="start")
        .configure_legend(labelFontSize=15, titleFontSize=15, symbolSize=150)
        .configure_text(fontSize=15)
        .configure_axisQuantitative(tickCount=8)
    )
    return chart.to_json(validate=False)


def _locale() -> dict:
    """Money axes ("$~s") in the report's currency (kpi.wording: the scenario's, set by build_content)."""
    return {"decimal": ".", "thousands": ",", "grouping": [3], "currency": [currency_symbol(), ""]}


def chart_png(chart: alt.TopLevelMixin, *, width: int | None = 900, scale: float = PNG_SCALE) -> bytes:
    """The chart as PNG bytes, `width` chart pixels wide (None keeps the chart's own width)."""
    return vlc.vegalite_to_png(_spec(chart, width), scale=scale, format_locale=_locale())


def chart_svg(chart: alt.TopLevelMixin, *, width: int | None = 900) -> str:
    """The chart as an SVG document (text is escaped by Vega, so names with markup stay text)."""
    return vlc.vegalite_to_svg(_spec(chart, width), format_locale=_locale())
