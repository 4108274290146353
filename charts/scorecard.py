"""Charts for the scorecard page: reps against a standard (attainability) and leads per rep (fairness).

Keyword-only builders returning Altair charts from small aggregated frames (one row per rep).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

STATUS_COLOURS = {"green": "#2ca02c", "amber": "#ff9f1c", "red": "#d62728", "no data": "#9e9e9e"}
TARGET = "#08519c"
SHARE_LEVEL = "#6a3d9a"


def _format(unit: str) -> str:
    return {"share": ".0%", "currency": "$,.0f", "multiple": ".2f"}.get(unit, ",.1f")


def attainability_chart(
    per_rep: pd.DataFrame,
    *,
    status: pd.Series,
    target: float,
    share_level: float | None,
    unit: str,
    title: str,
    height: int | None = None,
) -> alt.Chart:
    """Each rep's value over the recent periods as a bar coloured by status, the target and the share-level as rules.

    per_rep: rep, value, chance_next (from simulate.standards.Attainability.per_rep); status: per-rep status.
    """
    fmt = _format(unit)
    data = per_rep.assign(status=status.to_numpy()).dropna(subset=["value"])
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("rep:N", sort="-x", title=None),
            x=alt.X("value:Q", title="Value over the recent periods", axis=alt.Axis(format=fmt)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                legend=alt.Legend(title="Status", orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("rep:N", title="Rep"),
                alt.Tooltip("value:Q", title="Value", format=fmt),
                alt.Tooltip("chance_next:Q", title="Chance next period", format=".0%"),
            ],
        )
    )
    rules = [{"x": target, "label": "Target"}]
    if share_level is not None and share_level == share_level:
        rules.append({"x": share_level, "label": "Level the chosen share can meet"})
    rule_data = pd.DataFrame(rules)
    rule = (
        alt.Chart(rule_data)
        .mark_rule(strokeWidth=2, strokeDash=[6, 3])
        .encode(
            x="x:Q",
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=[r["label"] for r in rules], range=[TARGET, SHARE_LEVEL][: len(rules)]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[alt.Tooltip("label:N", title="Line"), alt.Tooltip("x:Q", title="Value", format=fmt)],
        )
    )
    height = height or max(160, 16 * len(data))  # one readable row per rep
    return alt.layer(bars, rule).resolve_scale(color="independent").properties(title=title, height=height)


def fairness_chart(
    per_rep: pd.DataFrame,
    *,
    average: float,
    title: str = "Leads received per rep per period",
    height: int | None = None,
) -> alt.Chart:
    """Leads per period per rep, flagged reps highlighted, the team average as a rule. per_rep from Fairness.per_rep."""
    data = per_rep.assign(flag=per_rep["flag"].replace("", "about average"))
    data["share"] = data["flag"].str.split(";").str[0].replace("weaker lead mix", "about average")
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("rep:N", sort="-x", title=None),
            x=alt.X("leads_per_period:Q", title="Leads (new opportunities) per period"),
            color=alt.Color(
                "share:N",
                scale=alt.Scale(
                    domain=["about average", "fewer leads", "more leads"], range=["#9ecae1", "#d62728", "#ff9f1c"]
                ),
                legend=alt.Legend(title="Share of leads", orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("rep:N", title="Rep"),
                alt.Tooltip("leads_per_period:Q", title="Leads per period", format=",.1f"),
                alt.Tooltip("share_of_average:Q", title="Of the average", format=".0%"),
            ],
        )
    )
    if "lead_value_of_team" in data:
        bars = bars.encode(
            tooltip=[
                alt.Tooltip("rep:N", title="Rep"),
                alt.Tooltip("leads_per_period:Q", title="Leads per period", format=",.1f"),
                alt.Tooltip("share_of_average:Q", title="Of the average", format=".0%"),
                alt.Tooltip("lead_value_of_team:Q", title="Lead value vs team", format=".0%"),
                alt.Tooltip("flag:N", title="Flag"),
            ]
        )
    rule = alt.Chart(pd.DataFrame({"x": [average]})).mark_rule(color=TARGET, strokeWidth=2).encode(x="x:Q")
    return alt.layer(bars, rule).properties(title=title, height=height or max(160, 16 * len(data)))
