"""Capacity and quota: the funnel's deals routed to the reps in seat, trials x months x reps, and what it means
for quota, hiring and pay. The team's inputs are the scenario's `team` section (simulate.scenario.TeamPlan).

Where things are:
    model.py      simulate_team(scenario, funnel_result) -> TeamResult: ramp, attrition, hires, routing,
                  productivity spread, per trial and month
    summary.py    attainment, share of reps at quota, the recommended quota, over-assignment, the chance the
                  team makes the plan, commission cost (CapacitySummary, capacity_summary)
    decisions.py  how many reps to hire and by when (headcount_needed), what a slower ramp or more attrition
                  costs (change_cases, changes_table, change_sentence)
    view.py       the aggregates the page and exports show (build_capacity_view, CapacityView)
    inputs.py     short text forms of list inputs (ramp curve, hires, accelerators) and back; the page's
                  widget values <-> TeamPlan (widget_values, team_table, team_from_values)
    display.py    what the page shows, in words: headline figures, commission cost (capacity_page ->
                  CapacityPage), the hiring and ramp/attrition tables (capacity_decisions -> CapacityDecisions)

To change how a quota is recommended: summary.py (recommended_quota). Public API: the names in __all__.
"""

from simulate.capacity.decisions import (
    HeadcountAdvice,
    HiringOption,
    change_cases,
    change_sentence,
    changes_table,
    cost_of_changes,
    headcount_needed,
    slower_ramp,
)
from simulate.capacity.display import (
    CapacityDecisions,
    CapacityPage,
    Figure,
    capacity_decisions,
    capacity_page,
    hiring_table,
)
from simulate.capacity.inputs import (
    REP_COLUMNS,
    ROUTINGS,
    WIDGET_NAMES,
    format_accelerators,
    format_hires,
    format_ramp,
    parse_accelerators,
    parse_hires,
    parse_ramp,
    rep_groups,
    team_from_values,
    team_table,
    widget_values,
)
from simulate.capacity.model import TeamResult, simulate_team
from simulate.capacity.summary import (
    CapacitySummary,
    attainment_histogram,
    capacity_summary,
    commission_cost_per_month,
    expected_share_at_quota,
    payouts,
    quota_curve,
    recommended_quota,
    rep_table,
    share_at_quota,
)
from simulate.capacity.view import CapacityView, build_capacity_view, simulation_key, with_plan

__all__ = [
    "REP_COLUMNS",
    "ROUTINGS",
    "WIDGET_NAMES",
    "CapacityDecisions",
    "CapacityPage",
    "CapacitySummary",
    "CapacityView",
    "Figure",
    "HeadcountAdvice",
    "HiringOption",
    "TeamResult",
    "attainment_histogram",
    "build_capacity_view",
    "capacity_decisions",
    "capacity_page",
    "capacity_summary",
    "change_cases",
    "change_sentence",
    "changes_table",
    "commission_cost_per_month",
    "cost_of_changes",
    "expected_share_at_quota",
    "format_accelerators",
    "format_hires",
    "format_ramp",
    "headcount_needed",
    "hiring_table",
    "parse_accelerators",
    "parse_hires",
    "parse_ramp",
    "payouts",
    "quota_curve",
    "recommended_quota",
    "rep_groups",
    "rep_table",
    "share_at_quota",
    "simulate_team",
    "simulation_key",
    "slower_ramp",
    "team_from_values",
    "team_table",
    "widget_values",
    "with_plan",
]
