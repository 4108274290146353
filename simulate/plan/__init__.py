"""Plan from your own data: calibrate the funnel from a CRM export, then forecast every month ahead in one model.

Where things are:
    sources.py    Source (rows, window, method) and CalibratedInput: where each calibrated value came from;
                  PlanInputError (field + message) for data that cannot give a plan
    calibrate.py  calibrate_plan(opportunities, as_of, monthly=None, ...) -> PlanCalibration: the scenario
                  (rates as "won of n", cycle, deal size, volume, team) with a source per value, no look-ahead
    plan.py       run_plan(cal, months, trials, seed, overrides) -> PlanResult: open pipeline (simulate.pipeline's
                  snapshot and curves) + new pipeline (simulate.funnel.run, cold start) per trial, trials x months;
                  apply_overrides / overrides_between for what-ifs
    backtest.py   backtest_plan(...): origins replayed with only what was known then, scored against what happened,
                  beside the pipeline-only forecast and the funnel at its typed defaults
    view.py       what the page shows: band words (Commit / Most likely / Best case), the fan-chart rows, the
                  inputs table, the one sentence

Public API: the names in __all__. Callers outside simulate/plan import them from `simulate.plan`.
"""

from simulate.plan.backtest import BacktestTable, backtest_plan, crps_from_samples, default_plan_origins
from simulate.plan.calibrate import (
    MAX_PLAN_MONTHS,
    MIN_CLOSED,
    VOLUME_METHODS,
    WINDOW_MONTHS,
    PlanCalibration,
    calibrate_plan,
    median_range,
    missing_amounts_message,
    monthly_history,
    won_cycle_quantiles,
)
from simulate.plan.plan import (
    OVERRIDE_KEYS,
    PlanResult,
    apply_overrides,
    existing_pipeline,
    month_win_chances,
    new_deals_per_rep,
    new_pipeline,
    overrides_between,
    run_plan,
    volume_paths,
)
from simulate.plan.sources import CalibratedInput, PlanInputError, Source
from simulate.plan.view import BandWords, fan_rows, inputs_rows, plan_sentence, quarter_rows

__all__ = [
    "MAX_PLAN_MONTHS",
    "MIN_CLOSED",
    "OVERRIDE_KEYS",
    "VOLUME_METHODS",
    "WINDOW_MONTHS",
    "BacktestTable",
    "BandWords",
    "CalibratedInput",
    "PlanCalibration",
    "PlanInputError",
    "PlanResult",
    "Source",
    "apply_overrides",
    "backtest_plan",
    "calibrate_plan",
    "crps_from_samples",
    "default_plan_origins",
    "existing_pipeline",
    "fan_rows",
    "inputs_rows",
    "median_range",
    "missing_amounts_message",
    "month_win_chances",
    "monthly_history",
    "new_deals_per_rep",
    "new_pipeline",
    "overrides_between",
    "plan_sentence",
    "quarter_rows",
    "run_plan",
    "volume_paths",
    "won_cycle_quantiles",
]
