"""Charts for comparing scenarios: overlaid fan charts, overlaid histograms and headline deltas. Pure Altair."""

from __future__ import annotations

import altair as alt
import pandas as pd

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"]
TARGET = "#d62728"


def _colour(labels: list[str]) -> alt.Color:
    return alt.Color(
        "scenario:N",
        title=None,
        scale=alt.Scale(domain=labels, range=PALETTE[: len(labels)]),
        legend=alt.Legend(orient="bottom", labelLimit=300),
    )


def overlaid_fan_chart(
    bands: pd.DataFrame,
    *,
    labels: list[str],
    title: str = "Revenue by month",
    y_title: str = "Revenue",
    height: int = 280,
) -> alt.Chart:
    """P10-P90 band and P50 line per scenario. `bands`: long frame from Comparison.revenue_bands."""
    order = list(dict.fromkeys(bands.sort_values("order")["month"]))
    base = alt.Chart(bands).encode(
        x=alt.X("month:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)), color=_colour(labels)
    )
    tooltip = [
        alt.Tooltip("scenario:N", title="Scenario"),
        alt.Tooltip("month:N", title="Month"),
        alt.Tooltip("p10:Q", title="P10", format="$,.0f"),
        alt.Tooltip("p50:Q", title="P50", format="$,.0f"),
        alt.Tooltip("p90:Q", title="P90", format="$,.0f"),
    ]
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("p10:Q", title=y_title, axis=alt.Axis(format="$~s")), y2="p90:Q", tooltip=tooltip
    )
    line = base.mark_line(point=True).encode(y="p50:Q", tooltip=tooltip)
    return (band + line).properties(
        title=alt.TitleParams(title, subtitle="Lines: P50. Shaded: P10-P90."), height=height
    )


def overlaid_histogram_chart(
    hist: pd.DataFrame,
    *,
    labels: list[str],
    target: float | None,
    money: bool,
    x_title: str,
    title: str = "Outcome in the target period",
    height: int = 260,
) -> alt.Chart:
    """Share of trials per bin for each scenario on common bins, as outlined steps, with the target rule."""
    data = hist.assign(mid=(hist["bin_start"] + hist["bin_end"]) / 2)
    fmt = "$~s" if money else ",.0f"
    lines = (
        alt.Chart(data)
        .mark_line(interpolate="step", strokeWidth=2)
        .encode(
            x=alt.X("mid:Q", title=x_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
            y=alt.Y("share:Q", title="Share of trials", axis=alt.Axis(format="%")),
            color=_colour(labels),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("bin_start:Q", title="From", format=fmt),
                alt.Tooltip("bin_end:Q", title="To", format=fmt),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
    )
    layers = [lines]
    if target is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"target": [target]}))
            .mark_rule(color=TARGET, strokeWidth=2, strokeDash=[6, 3])
            .encode(x="target:Q")
        )
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle="Red dashed line: target"), height=height
    )


def headline_bars_chart(headlines: pd.DataFrame, *, labels: list[str], height: int | None = None) -> alt.Chart:
    """P50 revenue per scenario with its P10-P90 range as a whisker. `headlines`: Comparison.headline_table()."""
    base = alt.Chart(headlines).encode(y=alt.Y("scenario:N", sort=labels, title=None, axis=alt.Axis(labelLimit=300)))
    tooltip = [
        alt.Tooltip("scenario:N"),
        alt.Tooltip("revenue_p10:Q", title="P10", format="$,.0f"),
        alt.Tooltip("revenue_p50:Q", title="P50", format="$,.0f"),
        alt.Tooltip("revenue_p90:Q", title="P90", format="$,.0f"),
    ]
    bars = base.mark_bar(height=22).encode(
        x=alt.X("revenue_p50:Q", title="P50 revenue in the target period", axis=alt.Axis(format="$~s")),
        color=_colour(labels),
        tooltip=tooltip,
    )
    whisker = base.mark_rule(color="#333", strokeWidth=2).encode(x="revenue_p10:Q", x2="revenue_p90:Q")
    return (bars + whisker).properties(
        title=alt.TitleParams("Headline by scenario", subtitle="Bar: P50. Line: P10 to P90."),
        height=height or 50 * len(labels),
    )
