"""PNG and SVG downloads for any chart builder's output (vl-convert on the server, built only on click)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from report.render import chart_png, chart_svg


def chart_downloads(chart: alt.TopLevelMixin, *, name: str, key: str) -> None:
    """Two small buttons under a chart: PNG (for slides) and SVG (for documents). `key` must be unique on the page."""
    col1, col2, _ = st.columns([1, 1, 4])
    col1.download_button(
        "PNG",
        data=lambda: chart_png(chart),
        file_name=f"{name}.png",
        mime="image/png",
        on_click="ignore",
        key=f"{key}.png",
        icon=":material/image:",
    )
    col2.download_button(
        "SVG",
        data=lambda: chart_svg(chart),
        file_name=f"{name}.svg",
        mime="image/svg+xml",
        on_click="ignore",
        key=f"{key}.svg",
        icon=":material/draw:",
    )
