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
    uploads.py        uploaded_tables: a manager's CRM export, activity log and monthly table as Tables
    view.py           build_scorecard_view -> ScorecardView: what the scorecard page shows, in words (the
                      standard in focus, the scorecard, rep and catalogue tables); a standard as typed in
                      input boxes (standard_inputs, edited_standards, added_standards, focus_labels)

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
from simulate.standards.uploads import uploaded_tables
from simulate.standards.view import (
    STATUSES,
    AttainView,
    FocusStatus,
    Metric,
    RepChart,
    RepsTable,
    ScorecardView,
    StandardInputs,
    added_standards,
    build_scorecard_view,
    edited_standards,
    focus_key,
    focus_labels,
    split_focus,
    standard_inputs,
)

__all__ = [
    "BUNDLED_QUOTA_PER_MONTH",
    "STATUSES",
    "AttainView",
    "Attainability",
    "Fairness",
    "FocusStatus",
    "Metric",
    "NextPeriodChance",
    "RepChart",
    "RepsTable",
    "Scorecard",
    "ScorecardView",
    "StandardInputs",
    "added_standards",
    "attainability",
    "build_scorecard",
    "build_scorecard_view",
    "bundled_tables",
    "chance_next_period",
    "edited_standards",
    "fairness",
    "focus_key",
    "focus_labels",
    "lead_value",
    "split_focus",
    "standard_inputs",
    "suggested_target",
    "uploaded_tables",
    "value_plan",
]
