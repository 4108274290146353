"""Charts for unit economics: metric distributions against their bars, the spend frontier, value by spend,
and CAC by channel against LTV. Pure functions of small frames; tested without a browser."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts import wrapped

BAND = "#c6dbef"
MAIN = "#08519c"
GOOD = "#2ca02c"
BAD = "#d62728"
NEUTRAL = "#6baed6"


def bar_histogram(
    hist: pd.DataFrame,
    *,
    bar: float,
    bar_label: str,
    x_title: str,
    title: str,
    good_side: str = "right",
    height: int = 320,  # the whole chart in the app: title, legend and axes included
) -> alt.Chart:
    """Share of trials per bin, bins coloured by which side of the bar they fall, and the bar as a rule."""
    data = hist.copy()
    mid = (data["bin_start"] + data["bin_end"]) / 2
    good = mid >= bar if good_side == "right" else mid <= bar
    data["side"] = ["meets the bar" if g else "misses the bar" for g in good]
    bars = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("bin_start:Q", title=x_title, scale=alt.Scale(zero=False)),
            x2="bin_end:Q",
            y=alt.Y("share:Q", title="Share of trials", axis=alt.Axis(format="%")),
            y2=alt.datum(0),
            color=alt.Color(
                "side:N",
                scale=alt.Scale(domain=["meets the bar", "misses the bar"], range=[GOOD, BAD]),
                legend=alt.Legend(title=None, orient="top", columns=1),
            ),
            tooltip=[
                alt.Tooltip("bin_start:Q", title="From", format=",.1f"),
                alt.Tooltip("bin_end:Q", title="To", format=",.1f"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
    )
    rule_data = pd.DataFrame({"bar": [bar], "label": [bar_label]})
    rule = alt.Chart(rule_data).mark_rule(color="black", strokeDash=[4, 3], strokeWidth=2).encode(x="bar:Q")
    text = (
        alt.Chart(rule_data)
        .mark_text(align="left", dx=4, dy=-4, fontWeight="bold")
        .encode(x="bar:Q", y=alt.value(10), text="label:N")
    )
    return alt.layer(bars, rule, text).properties(title=wrapped(title), height=height)


def frontier_chart(frontier: pd.DataFrame, *, current: float, best: float, bar: float, height: int = 300) -> alt.Chart:
    """Paid spend vs new customers a month (P10-P90 band, P50 line coloured by LTV:CAC), current and best spend marked."""
    data = frontier.copy()
    data["meets"] = ["LTV:CAC at or above bar" if v >= bar else "LTV:CAC below bar" for v in data["ltv_cac_p50"]]
    x = alt.X("budget:Q", title="Paid marketing per month", axis=alt.Axis(format="$~s"))
    tooltip = [
        alt.Tooltip("budget:Q", title="Paid spend", format="$,.0f"),
        alt.Tooltip("customers_p50:Q", title="Customers P50", format=",.0f"),
        alt.Tooltip("customers_p10:Q", title="Customers P10", format=",.0f"),
        alt.Tooltip("customers_p90:Q", title="Customers P90", format=",.0f"),
        alt.Tooltip("ltv_cac_p50:Q", title="LTV:CAC P50", format=".2f"),
        alt.Tooltip("cac_blended_p50:Q", title="Blended CAC P50", format="$,.0f"),
    ]
    band = (
        alt.Chart(data)
        .mark_area(color=BAND, opacity=0.8)
        .encode(x=x, y=alt.Y("customers_p10:Q", title="New customers per month"), y2="customers_p90:Q", tooltip=tooltip)
    )
    line = alt.Chart(data).mark_line(color=MAIN).encode(x=x, y="customers_p50:Q")
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=45)
        .encode(
            x=x,
            y="customers_p50:Q",
            tooltip=tooltip,
            color=alt.Color(
                "meets:N",
                scale=alt.Scale(domain=["LTV:CAC at or above bar", "LTV:CAC below bar"], range=[GOOD, BAD]),
                legend=alt.Legend(title=None, orient="top"),
            ),
        )
    )
    marks = pd.DataFrame({"budget": [current, best], "label": ["now", "best value"]})
    rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color="gray").encode(x="budget:Q")
    labels = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-4, color="gray")
        .encode(x="budget:Q", y=alt.value(10), text="label:N")
    )
    return alt.layer(band, line, points, rules, labels).properties(
        title=alt.TitleParams(
            "Spend frontier", subtitle="Band: P10-P90 of new customers; dots coloured by P50 LTV:CAC"
        ),
        height=height,
    )


def value_chart(frontier: pd.DataFrame, *, best: float, height: int = 340) -> alt.Chart:
    """Monthly value created, customers x (LTV - CAC), by paid spend: mean with P10-P90 band and the peak."""
    x = alt.X("budget:Q", title="Paid marketing per month", axis=alt.Axis(format="$~s"))
    band = (
        alt.Chart(frontier)
        .mark_area(color=BAND, opacity=0.8)
        .encode(
            x=x, y=alt.Y("value_p10:Q", title="Value per month", axis=alt.Axis(format="$~s")), y2="value_p90:Q"
        )
    )
    line = (
        alt.Chart(frontier)
        .mark_line(color=MAIN)
        .encode(
            x=x,
            y="value_mean:Q",
            tooltip=[
                alt.Tooltip("budget:Q", title="Paid spend", format="$,.0f"),
                alt.Tooltip("value_mean:Q", title="Expected value", format="$,.0f"),
            ],
        )
    )
    peak = alt.Chart(pd.DataFrame({"budget": [best]})).mark_rule(color=GOOD, strokeWidth=2).encode(x="budget:Q")
    return alt.layer(band, line, peak).properties(
        title=alt.TitleParams(
            "Value created: customers x (LTV - CAC)", subtitle="Green line: the spend that maximises it"
        ),
        height=height,
    )


def channel_chart(channels: pd.DataFrame, *, height: int | None = None) -> alt.Chart:
    """Average and next-customer (marginal) CAC per channel, against LTV."""
    long = channels.melt(
        id_vars=["channel", "ltv"], value_vars=["average_cac", "marginal_cac"], var_name="kind", value_name="cac"
    )
    long["kind"] = long["kind"].map({"average_cac": "Average CAC", "marginal_cac": "Next customer's CAC"})
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("channel:N", title=None, axis=alt.Axis(labelLimit=160)),
            yOffset="kind:N",
            x=alt.X("cac:Q", title="Cost to win a customer (fully loaded)", axis=alt.Axis(format="$~s")),
            color=alt.Color(
                "kind:N", scale=alt.Scale(range=[NEUTRAL, MAIN]), legend=alt.Legend(title=None, orient="top")
            ),
            tooltip=[
                alt.Tooltip("channel:N"),
                alt.Tooltip("kind:N", title="Measure"),
                alt.Tooltip("cac:Q", title="CAC", format="$,.0f"),
            ],
        )
    )
    ltv = pd.DataFrame({"ltv": [float(channels["ltv"].iloc[0])] if len(channels) else [0.0], "label": ["LTV"]})
    rule = alt.Chart(ltv).mark_rule(color=BAD, strokeWidth=2).encode(x="ltv:Q")
    text = (
        alt.Chart(ltv)
        .mark_text(color=BAD, align="left", dx=4, dy=-4, fontWeight="bold")
        .encode(x="ltv:Q", y=alt.value(10), text="label:N")
    )
    return alt.layer(bars, rule, text).properties(
        title=alt.TitleParams(
            "Channels: where a customer costs more than they are worth",
            subtitle="Bars right of the red LTV line lose money",
        ),
        # the app draws `height` as the whole chart (title, legend and axis included): room for the bars too
        height=height or 190 + 60 * len(channels),
    )
