"""Charts for the forecast page: history with the forecast fan (80% and 95% ranges)."""

from __future__ import annotations

import altair as alt
import pandas as pd

HISTORY = "#444444"
BAND_95 = "#c6dbef"
BAND_80 = "#6baed6"
FORECAST = "#08519c"


def axis_format(unit: str) -> str:
    return "$~s" if unit == "$" else ",.0f"


def fan_data(history: pd.Series, forecast: pd.DataFrame) -> pd.DataFrame:
    """One tidy frame for the chart: month (timestamp), kind, value / mean and band ends."""
    past = pd.DataFrame({"month": history.index.to_timestamp(), "value": history.to_numpy(), "kind": "history"})
    future = forecast.reset_index(names="month")
    future["month"] = pd.PeriodIndex(future["month"], freq="M").to_timestamp()
    future["kind"] = "forecast"
    # join the forecast line to the last actual month so the two lines meet
    bridge = pd.DataFrame({"month": [past["month"].iloc[-1]], "mean": [past["value"].iloc[-1]], "kind": "forecast"})
    return pd.concat([past, bridge, future], ignore_index=True)


def forecast_fan_chart(
    history: pd.Series, forecast: pd.DataFrame, *, title: str, y_title: str, unit: str = "", height: int = 320
) -> alt.LayerChart:
    """Actual history as a grey line, then the forecast line inside its 80% and 95% ranges."""
    data = fan_data(history, forecast)
    fmt = axis_format(unit)
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y"))
    base = alt.Chart(data).encode(x=x)
    tooltip = [
        alt.Tooltip("month:T", title="Month", format="%b %Y"),
        alt.Tooltip("mean:Q", title="Forecast", format=fmt),
        alt.Tooltip("lo_80:Q", title="80% range from", format=fmt),
        alt.Tooltip("hi_80:Q", title="80% range to", format=fmt),
        alt.Tooltip("lo_95:Q", title="95% range from", format=fmt),
        alt.Tooltip("hi_95:Q", title="95% range to", format=fmt),
    ]
    is_forecast = alt.datum.kind == "forecast"
    band95 = (
        base.transform_filter(is_forecast)
        .mark_area(color=BAND_95, opacity=0.9)
        .encode(y=alt.Y("lo_95:Q", title=y_title, axis=alt.Axis(format=fmt)), y2="hi_95:Q", tooltip=tooltip)
    )
    band80 = (
        base.transform_filter(is_forecast)
        .mark_area(color=BAND_80, opacity=0.7)
        .encode(y="lo_80:Q", y2="hi_80:Q", tooltip=tooltip)
    )
    line = base.transform_filter(is_forecast).mark_line(color=FORECAST, point=True).encode(y="mean:Q", tooltip=tooltip)
    past = (
        base.transform_filter(alt.datum.kind == "history")
        .mark_line(color=HISTORY)
        .encode(
            y=alt.Y("value:Q", title=y_title),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%b %Y"),
                alt.Tooltip("value:Q", title="Actual", format=fmt),
            ],
        )
    )
    return (band95 + band80 + past + line).properties(
        title=alt.TitleParams(
            title, subtitle="Grey: history. Blue line: forecast; dark band 80% range, light band 95% range."
        ),
        height=height,
    )
