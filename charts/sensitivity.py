"""Charts for sensitivity: tornado (one input at a time) and contribution to variance. Pure Altair builders."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kpi.wording import money

LOW_COLOUR = "#d6604d"  # input at its P10
HIGH_COLOUR = "#4393c3"  # input at its P90


def tornado_data(frame: pd.DataFrame, *, measure: str) -> pd.DataFrame:
    """Long rows (label, end, change, input_value) from Tornado.frame(); measure "revenue" or "hit"."""
    column = {"revenue": ("p50_low_change", "p50_high_change"), "hit": ("hit_low_change", "hit_high_change")}[measure]
    rows = []
    for _, bar in frame.iterrows():
        is_rate = str(bar["key"]).startswith("conversion")
        shown = [f"{v:.1%}" if is_rate else f"{v:.2f}x plan" for v in (bar["low_value"], bar["high_value"])]
        label = f"{bar['label']} ({shown[0]} to {shown[1]})"
        for end, col, value in (("Input at its P10", column[0], shown[0]), ("Input at its P90", column[1], shown[1])):
            rows.append({"label": label, "end": end, "change": float(bar[col]), "input_value": value})
    return pd.DataFrame(rows, columns=["label", "end", "change", "input_value"])


def tornado_chart(
    frame: pd.DataFrame,
    *,
    measure: str = "revenue",
    base_value: float,
    title: str | None = None,
    height: int | None = None,
) -> alt.Chart:
    """Bars of the change from the base when one input swings from its P10 to its P90, largest first.

    measure "revenue": change in P50 target-period revenue (currency); "hit": change in the chance of hitting.
    """
    data = tornado_data(frame, measure=measure)
    order = list(dict.fromkeys(data["label"]))
    fmt = "$~s" if measure == "revenue" else "+.0%"
    x_title = "Change in P50 revenue" if measure == "revenue" else "Change in chance of hitting the target"
    base_text = money(base_value) if measure == "revenue" else f"{base_value:.0%}"
    bars = (
        alt.Chart(data)
        .mark_bar(height=18)
        .encode(
            y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X("change:Q", title=x_title, axis=alt.Axis(format=fmt)),
            color=alt.Color(
                "end:N",
                title=None,
                scale=alt.Scale(domain=["Input at its P10", "Input at its P90"], range=[LOW_COLOUR, HIGH_COLOUR]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Input"),
                alt.Tooltip("end:N", title="Setting"),
                alt.Tooltip("input_value:N", title="Value"),
                alt.Tooltip("change:Q", title="Change", format=fmt),
            ],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333").encode(x="x:Q")
    return (bars + rule).properties(
        title=alt.TitleParams(
            title or "Which input moves the result most",
            subtitle=f"Each input swung P10 to P90, the others at P50 (base {base_text})",
        ),
        height=height or alt.Step(44),  # a row per input, whatever the number of inputs
    )


def contribution_chart(frame: pd.DataFrame, *, title: str | None = None, height: int | None = None) -> alt.Chart:
    """Share of the outcome's variance per input (rank correlation squared, signed), largest first."""
    data = frame.assign(
        direction=["raises the result" if c >= 0 else "lowers the result" for c in frame["contribution"]]
    )
    order = list(data["label"])
    return (
        alt.Chart(data)
        .mark_bar(height=18)
        .encode(
            y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X("contribution:Q", title="Contribution to variance", axis=alt.Axis(format="%")),
            color=alt.Color(
                "direction:N",
                title="A higher input",
                scale=alt.Scale(domain=["raises the result", "lowers the result"], range=[HIGH_COLOUR, LOW_COLOUR]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Input"),
                alt.Tooltip("rank_correlation:Q", title="Rank correlation", format=".2f"),
                alt.Tooltip("contribution:Q", title="Share", format=".0%"),
            ],
        )
        .properties(title=title or "Contribution to variance (rank correlation)", height=height or alt.Step(36))
    )
