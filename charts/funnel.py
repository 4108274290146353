"""Charts for the funnel simulator: fan chart, histogram with target, funnel of stage volumes."""

from __future__ import annotations

import altair as alt
import pandas as pd

BAND_OUTER = "#c6dbef"
BAND_INNER = "#6baed6"
MEDIAN = "#08519c"
TARGET = "#d62728"


def axis_format(unit: str) -> str:
    """Vega number format for money ("$") or counts (",")."""
    return "$~s" if unit == "$" else ",.0f"


def fan_chart(bands: pd.DataFrame, *, title: str, unit: str, y_title: str, height: int = 260) -> alt.Chart:
    """P10-P90 and P25-P75 bands with the P50 line by month. `bands` from simulate.funnel.monthly_bands."""
    fmt = axis_format(unit)
    month_order = alt.EncodingSortField(field="order", op="min")
    base = alt.Chart(bands).encode(x=alt.X("month:N", sort=month_order, title=None, axis=alt.Axis(labelAngle=-45)))
    tooltip = [
        alt.Tooltip("month:N", title="Month"),
        alt.Tooltip("p10:Q", title="P10", format=fmt),
        alt.Tooltip("p50:Q", title="P50", format=fmt),
        alt.Tooltip("p90:Q", title="P90", format=fmt),
        alt.Tooltip("mean:Q", title="Mean", format=fmt),
    ]
    outer = base.mark_area(color=BAND_OUTER, opacity=0.8).encode(
        y=alt.Y("p10:Q", title=y_title, axis=alt.Axis(format=fmt)), y2="p90:Q", tooltip=tooltip
    )
    inner = base.mark_area(color=BAND_INNER, opacity=0.7).encode(y="p25:Q", y2="p75:Q", tooltip=tooltip)
    median = base.mark_line(color=MEDIAN, point=True).encode(y="p50:Q", tooltip=tooltip)
    return (outer + inner + median).properties(
        title=alt.TitleParams(title, subtitle="Dark line: P50. Bands: P25-P75 and P10-P90 of the trials."),
        height=height,
    )


def histogram_chart(
    hist: pd.DataFrame, *, target: float | None, unit: str, x_title: str, title: str, height: int = 240
) -> alt.Chart:
    """Share of trials per bin of the period total, with the target as a red rule."""
    fmt = axis_format(unit)
    bars = (
        alt.Chart(hist)
        .mark_rect(color=BAND_INNER, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("bin_start:Q", title=x_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
            x2="bin_end:Q",
            y=alt.Y("share:Q", title="Share of trials", axis=alt.Axis(format="%")),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("bin_start:Q", title="From", format=fmt),
                alt.Tooltip("bin_end:Q", title="To", format=fmt),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
    )
    layers = [bars]
    if target is not None:
        rule = alt.Data(values=[{"target": float(target), "label": "Target"}])  # inline: the spec carries it
        layers.append(alt.Chart(rule).mark_rule(color=TARGET, strokeWidth=3).encode(x="target:Q"))
        layers.append(
            alt.Chart(rule)
            .mark_text(color=TARGET, align="left", dx=4, dy=-6, fontWeight="bold")
            .encode(x="target:Q", y=alt.value(8), text="label:N")
        )
    return alt.layer(*layers).properties(title=title, height=height)


def funnel_chart(stages: pd.DataFrame, *, height: int | None = None) -> alt.Chart:
    """Average monthly volume per stage as centred horizontal bars, widest at the top.

    `stages` from simulate.funnel.stage_table (stage, order, mean, p10, p90, conversion); derived
    fields are Vega-Lite calculations, so the spec does not depend on the rows.
    """
    y = alt.Y("stage:N", sort=alt.EncodingSortField(field="order", op="min"), title=None, axis=None)
    base = alt.Chart(stages).transform_calculate(
        half="datum.mean / 2",
        neg_half="-datum.mean / 2",
        label="datum.stage + ': ' + format(datum.mean, ',.0f') + '/mo'",
    )
    bars = base.mark_bar(color=BAND_INNER).encode(
        x=alt.X("neg_half:Q", axis=None, scale=alt.Scale(type="symlog")),
        x2="half:Q",
        y=y,
        tooltip=[
            alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("mean:Q", title="Average per month", format=",.0f"),
            alt.Tooltip("p10:Q", title="P10", format=",.0f"),
            alt.Tooltip("p90:Q", title="P90", format=",.0f"),
            alt.Tooltip("conversion:N", title="Conversion in"),
        ],
    )
    text = base.mark_text(color="black", fontWeight="bold").encode(y=y, x=alt.datum(0), text="label:N")
    return (bars + text).properties(
        title=alt.TitleParams("Funnel: average entries per month", subtitle="Widths on a log scale"),
        height=height or 40 * max(len(stages), 2),
    )
