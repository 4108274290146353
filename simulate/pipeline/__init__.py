"""Pipeline: bookings of the next month or quarter from a CRM export, as of a date, from open deals plus new ones.

Where things are:
    calibration.py  as-of replay (Snapshot, no look-ahead), win rates by segment, deal sizes, creation rate,
                    expected wins per open deal, and the month-to-month swing fitted from past months
    survival.py     time to close with open deals censored (Kaplan-Meier, Aalen-Johansen won vs lost)
    montecarlo.py   trials x deals simulation of the period, chunked; new deals by Poisson thinning
    bookings.py     forecast_pipeline(...): the one call pages, the CLI and the backtest use; what_if_lost
    backtest.py     replay earlier as-of dates and score the forecasts against what happened
    view.py         what the page shows: pipeline_view(base, forecast) -> PipelineView (headline, metrics, notes,
                    what-if, calibration), the what-if candidates, backtest and import sentences

Public API: forecast_pipeline, PipelineForecast, what_if_lost, backtest_pipeline, BacktestResult,
backtest_origins / earliest_as_of (the origins with data, at most the last MAX_BACKTEST_MONTHS months),
default_origins, reliability_bins, score, export_date, period_after, Period, as_of_snapshot, Snapshot,
calibrate, Calibration, fit_close_curves, CloseCurves, the outcome codes OPEN, WON, LOST, and the page's view:
pipeline_view, PipelineView, what_if_candidates, kept_lost, backtest_sentences, import_sentence, SEGMENTS,
MAX_TRIALS.
"""

from simulate.pipeline.backtest import (
    MAX_BACKTEST_MONTHS,
    MIN_CLOSED,
    MIN_WON,
    BacktestResult,
    backtest_origins,
    backtest_pipeline,
    default_origins,
    earliest_as_of,
    reliability_bins,
    score,
)
from simulate.pipeline.bookings import PipelineForecast, forecast_pipeline, what_if_lost
from simulate.pipeline.calibration import (
    DEFAULT_VOLATILITY,
    PERIOD_KINDS,
    Calibration,
    Period,
    Snapshot,
    as_of_snapshot,
    calibrate,
    export_date,
    period_after,
)
from simulate.pipeline.survival import LOST, OPEN, WON, CloseCurves, fit_close_curves
from simulate.pipeline.view import (
    MAX_TRIALS,
    SEGMENTS,
    PipelineView,
    backtest_sentences,
    import_sentence,
    kept_lost,
    pipeline_view,
    what_if_candidates,
)

__all__ = [
    "DEFAULT_VOLATILITY",
    "LOST",
    "MAX_TRIALS",
    "OPEN",
    "PERIOD_KINDS",
    "SEGMENTS",
    "WON",
    "BacktestResult",
    "Calibration",
    "CloseCurves",
    "Period",
    "PipelineForecast",
    "PipelineView",
    "Snapshot",
    "as_of_snapshot",
    "MAX_BACKTEST_MONTHS",
    "MIN_CLOSED",
    "MIN_WON",
    "backtest_origins",
    "backtest_pipeline",
    "earliest_as_of",
    "backtest_sentences",
    "calibrate",
    "default_origins",
    "export_date",
    "fit_close_curves",
    "forecast_pipeline",
    "import_sentence",
    "kept_lost",
    "period_after",
    "pipeline_view",
    "reliability_bins",
    "score",
    "what_if_candidates",
    "what_if_lost",
]
