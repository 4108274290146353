"""What the capacity page shows, in words and small frames: the headline figures and the spread under them,
commission cost (CapacityPage, capacity_page), and the headcount and ramp/attrition decisions as tables
(CapacityDecisions, capacity_decisions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from kpi.wording import format_value, money, percent, with_article
from simulate.capacity.decisions import HeadcountAdvice, change_sentence, changes_table
from simulate.capacity.model import TeamResult
from simulate.capacity.view import CapacityView, build_capacity_view
from simulate.scenario import Scenario

HIRING_COLUMNS = {
    "hire_by": "Extra reps starting in",
    "extra_hires": "Extra reps needed",
    "chance_of_plan": "Chance of plan",
}
CHANGE_COLUMNS = {
    "case": "Case",
    "team_bookings": "Team bookings",
    "bookings_change": "Change",
    "p_hit_plan": "Chance of plan",
    "share_at_quota": "Reps at quota",
}


class Figure(NamedTuple):
    """One headline number: its label, the value as text and a tooltip (None: no tooltip)."""

    label: str
    value: str
    help: str | None = None


@dataclass(frozen=True)
class CapacityPage:
    """Everything the capacity page shows for one scenario and quota, except the decisions."""

    view: CapacityView  # quota curve, histograms, monthly bands, reps
    unit: str  # "$" for a revenue target, "#" for won deals
    value_word: str  # "Revenue" or "Won deals"
    headline: tuple[Figure, ...]  # reps at quota, recommended quota, chance of the plan, over-assignment
    spread: str  # P10/P50/P90 of the share at quota and of team bookings, in a sentence
    commission: tuple[Figure, ...]  # total, cost of sales, per rep
    plan_note: str  # the commission plan in words
    over_assignment_note: str = ""  # what the recommended quota's over-assignment means, and the next move


@dataclass(frozen=True)
class CapacityDecisions:
    """How many reps to add for the plan, and what a slower ramp or more attrition costs."""

    hiring_title: str  # "Headcount for a 70% chance of the plan."
    hiring_sentence: str
    hiring: pd.DataFrame  # HIRING_COLUMNS as text; "not reachable" rows say the most hiring there can reach
    changes_sentence: str
    changes: pd.DataFrame  # CHANGE_COLUMNS; bookings rounded to whole units


def capacity_page(tr: TeamResult) -> CapacityPage:
    """The page's figures and sentences for a team simulation labelled with the plan (see `with_plan`)."""
    view = build_capacity_view(tr)
    s, scenario = view.summary, tr.scenario
    metric, period = scenario.target.metric, scenario.target_period_label()
    plan = format_value(scenario.target.value, metric)
    headline = (
        Figure(
            "Reps at quota (expected)",
            percent(s.expected_share_at_quota.p),
            f"P10-P90 across trials: {percent(s.share_at_quota.p10)} - {percent(s.share_at_quota.p90)}; "
            f"Monte Carlo error +/- {percent(s.expected_share_at_quota.mc_se, 1)}",
        ),
        Figure(f"Quota for {percent(s.target_share)} at quota", format_value(s.recommended_quota, metric)),
        Figure("Chance the team makes the plan", percent(s.hit_plan.p), f"Team bookings reach {plan} in {period}"),
        Figure(
            "Quota over-assignment",
            f"{s.over_assignment:.0%}",
            "Sum of rep quotas / company target. Attainment factor (expected bookings / sum of quotas): "
            f"{s.attainment_factor:.0%}",
        ),
    )
    spread = (
        f"Share of reps at quota P10 / P50 / P90: {percent(s.share_at_quota.p10)} / {percent(s.share_at_quota.p50)} / "
        f"{percent(s.share_at_quota.p90)}. Team bookings P10-P90: {format_value(s.team_bookings.p10, metric)} - "
        f"{format_value(s.team_bookings.p90, metric)} against a plan of {plan}. "
        f"Over-assignment {s.over_assignment:.0%} (typical: 120-125%), attainment factor {s.attainment_factor:.0%}."
    )
    commission = (
        Figure(
            "Total commission (mean)",
            money(s.commission_cost.mean),
            f"P10-P90: {money(s.commission_cost.p10)} - {money(s.commission_cost.p90)}, {period}",
        ),
        Figure(
            "Cost of sales", percent(s.cost_of_sales, 1), "Expected commission / expected revenue booked by the team"
        ),
        Figure(
            "Per rep (median)",
            money(s.payout_per_rep.p50),
            f"P10-P90 per rep: {money(s.payout_per_rep.p10)} - {money(s.payout_per_rep.p90)}",
        ),
    )
    return CapacityPage(
        view=view,
        unit="$" if metric == "revenue" else "#",
        value_word="Revenue" if metric == "revenue" else "Won deals",
        headline=headline,
        spread=spread,
        commission=commission,
        plan_note=f"Plan: {scenario.team.commission.describe()}; the same plan for every rep. "
        "Model and conventions: docs/capacity.md.",
        over_assignment_note=over_assignment_note(s, scenario),
    )


TYPICAL_OVER_ASSIGNMENT = (1.20, 1.25)


def over_assignment_note(s, scenario: Scenario) -> str:
    """Reconcile the recommended quota's over-assignment with the typical 120-125%, and say what to do next.

    Sum of quotas is proportional to the quota, so the over-assignment at the recommended quota is the current
    one scaled by recommended / current quota.
    """
    metric = scenario.target.metric
    if s.quota <= 0 or not (s.over_assignment > 0):
        return ""
    at_recommended = s.over_assignment * s.recommended_quota / s.quota
    plan = format_value(scenario.target.value, metric)
    rec = format_value(s.recommended_quota, metric)
    low, high = TYPICAL_OVER_ASSIGNMENT
    current = "" if abs(s.quota - s.recommended_quota) <= 0.005 * s.recommended_quota else (
        f" (at the current {format_value(s.quota, metric)} they add up to {s.over_assignment:.0%}, the figure above, "
        f"but then only {percent(s.expected_share_at_quota.p)} of reps make quota)"
    )
    head = (
        f"**Over-assignment.** At the recommended quota of {rec}, rep quotas add up to {at_recommended:.0%} of the "
        f"{plan} plan{current}; companies usually assign {low:.0%}-{high:.0%}, so that the plan is made even when "
        "some reps miss."
    )
    if at_recommended < 1.0:
        fits = format_value(scenario.target.value * at_recommended / low, metric)
        return (
            f"{head} Below 100% means that even if every rep made that quota the team would book only "
            f"{at_recommended:.0%} of the plan: the plan is bigger than this team (and its share of the funnel) can "
            f"carry, which is also why the chance of making it is {percent(s.hit_plan.p)}. **Next move:** add reps "
            f"or ramp them sooner (Decisions below), grow the funnel, or set the plan nearer {fits}, which this team "
            f"carries at {low:.0%} over-assignment."
        )
    if at_recommended < low:
        return (
            f"{head} At {at_recommended:.0%} there is little cushion: the plan needs nearly every quota to be met. "
            "**Next move:** a small hire or a faster ramp (Decisions below) buys the usual cushion."
        )
    if at_recommended <= high:
        return f"{head} {at_recommended:.0%} is in that range: quota and plan fit each other."
    return (
        f"{head} At {at_recommended:.0%} the team carries more than the plan needs. **Next move:** the plan could "
        "rise, or quotas could be set above the recommended level."
    )


def hiring_table(advice: HeadcountAdvice) -> pd.DataFrame:
    """Extra reps by start month for the advice's confidence, as text. When no number of reps starting that
    month reaches it: "not reachable", and the chance column says the most hiring can give ("at most 34%")."""
    table = advice.table()
    reachable = table["extra_hires"].notna()
    table["chance_of_plan"] = [
        percent(c) if ok else f"at most {percent(c)}" for c, ok in zip(table["chance_of_plan"], reachable, strict=True)
    ]
    table["extra_hires"] = [f"{int(v)}" if ok else "not reachable" for v, ok in zip(table["extra_hires"], reachable, strict=True)]
    return table.rename(columns=HIRING_COLUMNS)


def capacity_decisions(
    advice: HeadcountAdvice, cases: list[tuple[str, TeamResult]], scenario: Scenario
) -> CapacityDecisions:
    """The headcount advice and the ramp/attrition what-ifs (`change_cases`) at the scenario's quota and plan."""
    changes = changes_table(cases, scenario)
    change_text = change_sentence(changes, scenario.target.metric)
    changes = changes.assign(
        team_bookings=changes["team_bookings"].round(), bookings_change=changes["bookings_change"].round()
    )
    return CapacityDecisions(
        hiring_title=f"Headcount for {with_article(percent(advice.confidence))} chance of the plan.",
        hiring_sentence=advice.sentence,
        hiring=hiring_table(advice),
        changes_sentence=change_text,
        changes=changes.rename(columns=CHANGE_COLUMNS)[list(CHANGE_COLUMNS.values())],
    )
