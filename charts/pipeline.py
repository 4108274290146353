"""Charts for the pipeline forecast: time-to-close curves, win rates, reliability, backtest, breakdowns.

Pure builders (keyword-only) over small aggregated frames from simulate.pipeline*; tested without a browser.
The bookings histogram is charts.funnel.histogram_chart (one chart for one idea).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.funnel import BAND_INNER, BAND_OUTER, MEDIAN, TARGET, histogram_chart

__all__ = [
    "backtest_chart",
    "breakdown_chart",
    "close_curves_chart",
    "histogram_chart",
    "reliability_chart",
    "win_rate_chart",
]

CURVE_COLOURS = {"still open": "#7f7f7f", "won": "#2ca02c", "lost": "#d62728"}


def close_curves_chart(
    curves: pd.DataFrame, *, title: str = "What happens to a deal, by days since created", height: int = 260
) -> alt.Chart:
    """Share of deals still open / won / lost by age (days). `curves` from CloseCurves.table()."""
    return (
        alt.Chart(curves)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("days:Q", title="Days since created"),
            y=alt.Y("share:Q", title="Share of deals", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "curve:N", title=None, scale=alt.Scale(domain=list(CURVE_COLOURS), range=list(CURVE_COLOURS.values()))
            ),
            tooltip=[
                alt.Tooltip("days:Q", title="Days"),
                alt.Tooltip("curve:N", title="Curve"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
        .properties(
            title=alt.TitleParams(
                title, subtitle="Open deals count as 'still open at their age' (censored), not as lost."
            ),
            height=height,
        )
    )


def win_rate_chart(
    win_rates: pd.DataFrame, *, segment_title: str, overall: float, height: int | None = None
) -> alt.Chart:
    """Win rate per segment (dot) with its 90% interval (bar), and the overall rate as a rule."""
    data = win_rates.assign(closed=win_rates["won"] + win_rates["lost"])
    y = alt.Y("segment:N", title=segment_title, sort=list(data["segment"]))
    tooltip = [
        alt.Tooltip("segment:N", title=segment_title),
        alt.Tooltip("win_rate:Q", title="Win rate", format=".1%"),
        alt.Tooltip("lo_90:Q", title="90% from", format=".1%"),
        alt.Tooltip("hi_90:Q", title="90% to", format=".1%"),
        alt.Tooltip("closed:Q", title="Closed deals", format=","),
    ]
    bars = (
        alt.Chart(data)
        .mark_rule(color=BAND_INNER, strokeWidth=6)
        .encode(
            y=y,
            x=alt.X("lo_90:Q", title="Win rate (won / closed)", axis=alt.Axis(format="%")),
            x2="hi_90:Q",
            tooltip=tooltip,
        )
    )
    dots = alt.Chart(data).mark_point(color=MEDIAN, filled=True, size=60).encode(y=y, x="win_rate:Q", tooltip=tooltip)
    rule = (
        alt.Chart(pd.DataFrame({"overall": [overall]})).mark_rule(color=TARGET, strokeDash=[4, 3]).encode(x="overall:Q")
    )
    return alt.layer(bars, dots, rule).properties(
        title=alt.TitleParams(
            "Win rate with its 90% range", subtitle="Dashed: overall win rate. Small groups are pulled towards it."
        ),
        height=height or max(120, 24 * len(data)),
    )


def reliability_chart(table: pd.DataFrame, *, height: int = 280) -> alt.Chart:
    """Predicted chance of winning next month vs the share actually won, per group of deals; diagonal = perfect."""
    top = float(max(table["predicted"].max(), table["observed"].max(), 0.05)) if len(table) else 1.0
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0.0, top], "y": [0.0, top]}))
        .mark_line(color="#999999", strokeDash=[4, 3])
        .encode(x="x:Q", y="y:Q")
    )
    points = (
        alt.Chart(table)
        .mark_circle(color=MEDIAN)
        .encode(
            x=alt.X("predicted:Q", title="Predicted chance of being won next month", axis=alt.Axis(format="%")),
            y=alt.Y("observed:Q", title="Share actually won", axis=alt.Axis(format="%")),
            size=alt.Size("deals:Q", title="Deals", legend=None),
            tooltip=[
                alt.Tooltip("predicted:Q", title="Predicted", format=".1%"),
                alt.Tooltip("observed:Q", title="Observed", format=".1%"),
                alt.Tooltip("deals:Q", title="Deals", format=","),
            ],
        )
    )
    return alt.layer(diagonal, points).properties(
        title=alt.TitleParams(
            "Reliability: predicted vs observed",
            subtitle="Open deals at each month-end of the backtest, in groups of similar predictions",
        ),
        height=height,
    )


def backtest_chart(rows: pd.DataFrame, *, kind: str, height: int = 280) -> alt.Chart:
    """Each backtest origin: the P10-P90 range and P50 forecast, the actual bookings, and the naive forecast."""
    data = rows[rows["kind"] == kind].copy()
    order = list(data["period"])
    x = alt.X("period:N", sort=order, title=f"Forecast {kind}")
    fmt = "$~s"
    tooltip = [
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("p10:Q", title="P10", format=fmt),
        alt.Tooltip("p50:Q", title="P50", format=fmt),
        alt.Tooltip("p90:Q", title="P90", format=fmt),
        alt.Tooltip("actual:Q", title="Actual", format=fmt),
        alt.Tooltip("naive:Q", title="Naive", format=fmt),
    ]
    band = (
        alt.Chart(data)
        .mark_bar(color=BAND_OUTER, size=28)
        .encode(x=x, y=alt.Y("p10:Q", title="Bookings", axis=alt.Axis(format=fmt)), y2="p90:Q", tooltip=tooltip)
    )
    median = alt.Chart(data).mark_tick(color=MEDIAN, thickness=2, size=28).encode(x=x, y="p50:Q", tooltip=tooltip)
    actual = (
        alt.Chart(data)
        .mark_point(color="black", filled=True, size=70, shape="diamond")
        .encode(x=x, y="actual:Q", tooltip=tooltip)
    )
    naive = alt.Chart(data).mark_point(color=TARGET, shape="cross", size=70).encode(x=x, y="naive:Q", tooltip=tooltip)
    return alt.layer(band, median, actual, naive).properties(
        title=alt.TitleParams(
            f"Backtest: next {kind} as forecast at each {kind}-end",
            subtitle="Bar: P10-P90; tick: P50; black diamond: actual; red cross: every open deal at the overall win rate",
        ),
        height=height,
    )


def breakdown_chart(
    table: pd.DataFrame, *, column: str, title: str, top: int = 15, height: int | None = None
) -> alt.Chart:
    """Expected bookings from the existing pipeline per owner / product (largest first)."""
    data = table.head(top)
    return (
        alt.Chart(data)
        .mark_bar(color=BAND_INNER)
        .encode(
            y=alt.Y(f"{column}:N", sort="-x", title=None),
            x=alt.X("expected_bookings:Q", title="Expected bookings from open deals", axis=alt.Axis(format="$~s")),
            tooltip=[
                alt.Tooltip(f"{column}:N", title=title),
                alt.Tooltip("expected_bookings:Q", title="Expected bookings", format="$,.0f"),
                alt.Tooltip("expected_won:Q", title="Expected won deals", format=",.1f"),
                alt.Tooltip("open_deals:Q", title="Open deals", format=","),
            ],
        )
        .properties(title=f"Expected bookings by {title.lower()}", height=height or max(120, 22 * len(data)))
    )
