"""Decisions between and about scenarios: side-by-side comparison, which input matters, what a lever must be.

Where things are:
    comparison.py   compare(scenarios, trials, seed) -> Comparison: two to four scenarios with common random
                    numbers, deltas, P(B beats A), the inputs that differ (describe_inputs, input_table)
    sensitivity.py  tornado swings, contribution to variance, goal-seek for any lever (seek_lever)

Public API: the names in __all__.
"""

from simulate.decide.comparison import (
    LETTERS,
    Comparison,
    compare,
    describe_inputs,
    expected_period_revenue,
    input_table,
)
from simulate.decide.sensitivity import (
    DEAL_SIZE,
    TORNADO_TRIALS,
    VOLUME,
    LeverAnswer,
    Tornado,
    TornadoBar,
    UncertainInput,
    contribution_to_variance,
    conversion_key,
    levers,
    pinned,
    seek_lever,
    tornado,
    uncertain_inputs,
    with_input,
)

__all__ = [
    "DEAL_SIZE",
    "LETTERS",
    "TORNADO_TRIALS",
    "VOLUME",
    "Comparison",
    "LeverAnswer",
    "Tornado",
    "TornadoBar",
    "UncertainInput",
    "compare",
    "contribution_to_variance",
    "conversion_key",
    "describe_inputs",
    "expected_period_revenue",
    "input_table",
    "levers",
    "pinned",
    "seek_lever",
    "tornado",
    "uncertain_inputs",
    "with_input",
]
