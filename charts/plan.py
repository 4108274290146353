"""Charts for the plan from your data: the monthly fan chart with open and new pipeline apart, and the target.

Pure builders over small aggregated frames (simulate.plan.fan_rows); tested without a browser.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.funnel import BAND_OUTER, MEDIAN, TARGET, axis_format

__all__ = ["fan_chart", "source_colours"]

EXISTING = "#9ecae1"  # open pipeline (deals open on the as-of date)
NEW = "#fdae6b"  # new pipeline (deals created after it)


def source_colours() -> dict[str, str]:
    return {"Open deals (mean)": EXISTING, "New deals (mean)": NEW}


def fan_chart(
    rows: pd.DataFrame,
    *,
    labels: tuple[str, str, str] = ("Commit", "Most likely", "Best case"),
    target_per_month: pd.DataFrame | None = None,
    unit: str = "$",
    title: str = "Bookings by month",
    height: int = 320,
) -> alt.LayerChart:
    """Stacked bars: mean bookings from open and from new deals; band Commit..Best case; Most likely line;
    the target (per month of its period) as a red dashed line. `rows` from simulate.plan.fan_rows."""
    fmt = axis_format(unit)
    commit, likely, best = labels
    order = alt.EncodingSortField(field="order", op="min")
    x = alt.X("month:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45))
    tooltip = [
        alt.Tooltip("month:N", title="Month"),
        alt.Tooltip("commit:Q", title=commit, format=fmt),
        alt.Tooltip("likely:Q", title=likely, format=fmt),
        alt.Tooltip("best:Q", title=best, format=fmt),
        alt.Tooltip("existing:Q", title="From open deals (mean)", format=fmt),
        alt.Tooltip("new:Q", title="From new deals (mean)", format=fmt),
    ]
    stacked = (
        alt.Chart(rows)
        .transform_fold(["existing", "new"], as_=["part", "value"])
        .transform_calculate(
            source="datum.part == 'existing' ? 'Open deals (mean)' : 'New deals (mean)'",
            stack_order="datum.part == 'existing' ? 0 : 1",
        )
        .mark_bar(opacity=0.75, width={"band": 0.55})
        .encode(
            x=x,
            y=alt.Y("value:Q", title="Bookings", axis=alt.Axis(format=fmt), stack="zero"),
            color=alt.Color(
                "source:N",
                title=None,
                scale=alt.Scale(domain=list(source_colours()), range=list(source_colours().values())),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("stack_order:Q"),
            tooltip=tooltip,
        )
    )
    band = (
        alt.Chart(rows)
        .mark_area(color=BAND_OUTER, opacity=0.55)
        .encode(x=x, y="commit:Q", y2="best:Q", tooltip=tooltip)
    )
    line = alt.Chart(rows).mark_line(color=MEDIAN, point=True).encode(x=x, y="likely:Q", tooltip=tooltip)
    layers = [band, stacked, line]
    if target_per_month is not None and len(target_per_month):
        layers.append(
            alt.Chart(target_per_month)
            .mark_line(color=TARGET, strokeDash=[6, 4], strokeWidth=2.5, point=alt.OverlayMarkDef(color=TARGET))
            .encode(
                x=x,
                y="target:Q",
                tooltip=[
                    alt.Tooltip("month:N", title="Month"),
                    alt.Tooltip("target:Q", title="Target per month", format=fmt),
                ],
            )
        )
    subtitle = f"Band: {commit} to {best}; dark line: {likely}; bars: where the mean comes from" + (
        "; red dashes: the target spread over its months." if target_per_month is not None else "."
    )
    return alt.layer(*layers).properties(title=alt.TitleParams(title, subtitle=subtitle), height=height)
