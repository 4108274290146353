"""Charts for capacity and quota planning. Keyword-only builders of aggregates (simulate.capacity.build_capacity_view)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts import wrapped
from charts.funnel import BAND_INNER, BAND_OUTER, MEDIAN, TARGET, axis_format

BELOW = "#fdae6b"
AT_QUOTA = "#31a354"
SERIES_COLOURS = {
    "Team capacity": "#08519c",
    "Funnel demand": "#9e9ac8",
    "Expected bookings": "#31a354",
    "Reps in seat": "#636363",
    "Ramped rep equivalents": "#08519c",
}


def quota_curve_chart(
    curve: pd.DataFrame, *, quota: float, recommended: float, target_share: float, unit: str, height: int = 320
) -> alt.Chart:
    """Expected share of reps at quota against the quota per rep, with the current and recommended quotas."""
    fmt = axis_format(unit)
    x = alt.X("quota:Q", title="Quota per rep", axis=alt.Axis(format=fmt))
    band = (
        alt.Chart(curve)
        .mark_area(color=BAND_OUTER, opacity=0.7)
        .encode(x=x, y=alt.Y("p10:Q", title="Share of reps at quota", axis=alt.Axis(format="%")), y2="p90:Q")
    )
    line = (
        alt.Chart(curve)
        .mark_line(color=MEDIAN)
        .encode(
            x=x,
            y="share_at_quota:Q",
            tooltip=[
                alt.Tooltip("quota:Q", title="Quota", format=fmt),
                alt.Tooltip("share_at_quota:Q", title="Expected share at quota", format=".0%"),
                alt.Tooltip("p10:Q", title="P10", format=".0%"),
                alt.Tooltip("p90:Q", title="P90", format=".0%"),
            ],
        )
    )
    marks = pd.DataFrame(
        {
            "quota": [recommended, quota],
            "label": [f"{target_share:.0%} of reps", "Current quota"],
            "colour": [AT_QUOTA, TARGET],
            "y": [10, 26],  # pixels from the top: stacked so the two labels never overlap
        }
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2, strokeDash=[4, 3])
        .encode(
            x="quota:Q",
            color=alt.Color("colour:N", scale=None),
            tooltip=["label:N", alt.Tooltip("quota:Q", format=fmt)],
        )
    )
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-6, fontWeight="bold")
        .encode(x="quota:Q", y=alt.Y("y:Q", scale=None), text="label:N", color=alt.Color("colour:N", scale=None))
    )
    return alt.layer(band, line, rules, text).properties(
        title=alt.TitleParams(
            wrapped("Quota vs share of reps who make it"), subtitle=wrapped("Line: expected share. Band: P10-P90 across trials.", 34)
        ),
        height=height,
    )


def attainment_histogram_chart(hist: pd.DataFrame, *, height: int = 320) -> alt.Chart:
    """Share of reps by attainment band; bars at or above 100% in green, the last bar is 300%+."""
    data = hist.assign(status=hist["at_quota"].map({True: "At or above quota", False: "Below quota"}))
    bars = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("bin_start:Q", title="Attainment (bookings / quota)", axis=alt.Axis(format="%")),
            x2="bin_end:Q",
            y=alt.Y("share:Q", title="Share of reps", axis=alt.Axis(format="%")),
            y2=alt.datum(0),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=["Below quota", "At or above quota"], range=[BELOW, AT_QUOTA]),
                legend=alt.Legend(orient="top", title=None, columns=1),
            ),
            tooltip=[
                alt.Tooltip("bin_start:Q", title="From", format=".0%"),
                alt.Tooltip("bin_end:Q", title="To", format=".0%"),
                alt.Tooltip("share:Q", title="Share of reps", format=".1%"),
            ],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=TARGET, strokeWidth=2).encode(x="x:Q")
    return alt.layer(bars, rule).properties(title=wrapped("Attainment of every simulated rep"), height=height)


def monthly_bands_chart(
    monthly: pd.DataFrame, *, unit: str, title: str, y_title: str, plan_per_month: float | None = None,
    plan_months: list[str] | None = None, height: int = 260,
) -> alt.Chart:  # fmt: skip
    """Mean lines with P10-P90 bands per series by month; optional plan per month over the target period."""
    fmt = axis_format(unit)
    order = list(dict.fromkeys(monthly["month"]))
    domain = list(dict.fromkeys(monthly["series"]))
    colour = alt.Color(
        "series:N", scale=alt.Scale(domain=domain, range=[SERIES_COLOURS.get(s, BAND_INNER) for s in domain]),
        legend=alt.Legend(orient="top", title=None),
    )  # fmt: skip
    x = alt.X("month:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45))
    band = alt.Chart(monthly).mark_area(opacity=0.18).encode(x=x, y="p10:Q", y2="p90:Q", color=colour)
    line = (
        alt.Chart(monthly)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("mean:Q", title=y_title, axis=alt.Axis(format=fmt)),
            color=colour,
            tooltip=[
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("mean:Q", title="Mean", format=fmt),
                alt.Tooltip("p10:Q", title="P10", format=fmt),
                alt.Tooltip("p90:Q", title="P90", format=fmt),
            ],
        )
    )
    layers = [band, line]
    if plan_per_month is not None and plan_months:
        plan = pd.DataFrame({"month": plan_months, "plan": plan_per_month, "label": "Plan"})
        layers.append(
            alt.Chart(plan)
            .mark_tick(color=TARGET, thickness=3, size=28)
            .encode(x=x, y="plan:Q", tooltip=[alt.Tooltip("plan:Q", title="Plan per month", format=fmt)])
        )
    return alt.layer(*layers).properties(title=title, height=height)


def rep_attainment_chart(reps: pd.DataFrame, *, height: int | None = None) -> alt.Chart:
    """Each rep's attainment P10-P90 (bar) and P50 (dot), against the 100% line."""
    data = reps.dropna(subset=["p50"])
    y = alt.Y("rep:N", sort=list(data["rep"]), title=None)
    tooltip = [
        alt.Tooltip("rep:N", title="Rep"),
        alt.Tooltip("p10:Q", title="P10", format=".0%"),
        alt.Tooltip("p50:Q", title="P50", format=".0%"),
        alt.Tooltip("p90:Q", title="P90", format=".0%"),
        alt.Tooltip("chance_at_quota:Q", title="Chance of making quota", format=".0%"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(color=BAND_OUTER, height=8)
        .encode(x=alt.X("p10:Q", title="Attainment", axis=alt.Axis(format="%")), x2="p90:Q", y=y, tooltip=tooltip)
    )
    dots = alt.Chart(data).mark_point(color=MEDIAN, filled=True).encode(x="p50:Q", y=y, tooltip=tooltip)
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=TARGET, strokeWidth=2).encode(x="x:Q")
    return alt.layer(bars, dots, rule).properties(
        title=alt.TitleParams("Each rep's attainment", subtitle="Bar: P10-P90 across trials. Dot: P50. Red: 100%."),
        height=height or max(160, 14 * len(data)),
    )


def payout_histogram_chart(hist: pd.DataFrame, *, height: int = 220) -> alt.Chart:
    """Commission per rep for the period: share of reps per payout band."""
    return (
        alt.Chart(hist)
        .mark_rect(color=BAND_INNER, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("bin_start:Q", title="Commission per rep", axis=alt.Axis(format="$~s")),
            x2="bin_end:Q",
            y=alt.Y("share:Q", title="Share of reps", axis=alt.Axis(format="%")),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("bin_start:Q", title="From", format="$,.0f"),
                alt.Tooltip("bin_end:Q", title="To", format="$,.0f"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
        .properties(title="Commission per rep in the period", height=height)
    )
