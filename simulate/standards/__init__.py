"""Performance standards in use: the KPI scorecard per team and rep, status against each standard, whether a
standard is attainable and fair, and the simulated chance of meeting it next period. The standards themselves
are the scenario's `standards` section (simulate.scenario.StandardSet); KPI definitions live in kpi/.

Where things are:
    scorecard.py      build_scorecard(tables, standards, ...) -> Scorecard; the bundled example's tables and
                      quota assumption; a suggested target from history
    attainability.py  how many reps met a standard before and are likely to (Attainability), whether leads
                      are routed fairly (Fairness)
    next_period.py    chance_next_period: the team's chance of meeting a standard next period, from the
                      funnel Monte Carlo of the current scenario

Public API: the names in __all__.
"""

from simulate.standards.attainability import Attainability, Fairness, attainability, fairness, lead_value
from simulate.standards.next_period import NextPeriodChance, chance_next_period
from simulate.standards.scorecard import (
    BUNDLED_QUOTA_PER_MONTH,
    Scorecard,
    build_scorecard,
    bundled_tables,
    suggested_target,
    value_plan,
)

__all__ = [
    "BUNDLED_QUOTA_PER_MONTH",
    "Attainability",
    "Fairness",
    "NextPeriodChance",
    "Scorecard",
    "attainability",
    "build_scorecard",
    "bundled_tables",
    "chance_next_period",
    "fairness",
    "lead_value",
    "suggested_target",
    "value_plan",
]
