"""The funnel Monte Carlo: volume in at the top, conversions, cycle, deal size -> won deals and revenue by month.

Where things are:
    engine.py    run(scenario, trials, seed) -> SimulationResult (trials x months), vectorised, chunked;
                 calendar close matrices (real month lengths), lognormal helpers, rate draws (Latin
                 hypercube or plain), per-trial medians from their 90% ranges
    deals.py     per-deal luck: Poisson counts by inversion (poisson_counts) and exact sums of N lognormal
                 deal sizes from a seeded pool (DealPool), shared between scenarios (common random numbers)
    goalseek.py  seek(...): the value of volume, a conversion or deal size that reaches the target with a
                 chosen confidence (common random numbers, no re-simulation)
    summary.py   what is shown: P10/P50/P90 (Distribution), chances (Chance), monthly bands, histograms,
                 the funnel's stage table and the headline sentence
    view.py      what the page shows besides charts: its inputs as a scenario (seasonality_from_row,
                 scenario_with_inputs), headline metrics (Metric), the target caption, the reverse funnel

Public API: run, SimulationResult, funnel_summary, FunnelSummary, monthly_bands, histogram, stage_table,
summarize, chance_at_least, Distribution, Chance, seek, SeekResult, LEVERS, volume_thresholds,
required_scale, required_volume, the page's view (Metric, headline_metrics, target_caption, reverse_funnel,
ReverseFunnel, scenario_with_inputs, seasonality_from_row, MONTHS), and the kernels other domains build on
(lognormal_params, revenue_for_deals, draw_rates, sample_uniforms, close_lag_probabilities, lag_matrix,
DAYS_PER_MONTH, calendar_close_matrix, month_boundaries, median_range_params, check_trials, DealPool, deal_pool, poisson_counts).
`revenue_for_deals` is the old two-moment (Fenton-Wilkinson) approximation, kept for callers outside the
engine; the engine sums deals exactly (deals.py).
Callers outside simulate/funnel import these names from `simulate.funnel`, not from its modules.
"""

from simulate.funnel.deals import DealPool, deal_pool, poisson_counts
from simulate.funnel.engine import (
    DAYS_PER_MONTH,
    SimulationResult,
    calendar_close_matrix,
    check_trials,
    close_lag_probabilities,
    draw_rates,
    lag_matrix,
    lognormal_params,
    median_range_params,
    month_boundaries,
    revenue_for_deals,
    run,
    sample_uniforms,
)
from simulate.funnel.goalseek import LEVERS, SeekResult, required_scale, required_volume, seek, volume_thresholds
from simulate.funnel.summary import (
    Chance,
    Distribution,
    FunnelSummary,
    chance_at_least,
    funnel_summary,
    headline_sentence,
    histogram,
    monthly_bands,
    stage_table,
    summarize,
)
from simulate.funnel.view import (
    MONTHS,
    Metric,
    ReverseFunnel,
    headline_metrics,
    reverse_funnel,
    scenario_with_inputs,
    seasonality_from_row,
    target_caption,
)

__all__ = [
    "DAYS_PER_MONTH",
    "DealPool",
    "LEVERS",
    "MONTHS",
    "Chance",
    "Distribution",
    "FunnelSummary",
    "Metric",
    "ReverseFunnel",
    "SeekResult",
    "SimulationResult",
    "calendar_close_matrix",
    "chance_at_least",
    "check_trials",
    "close_lag_probabilities",
    "deal_pool",
    "draw_rates",
    "funnel_summary",
    "headline_metrics",
    "headline_sentence",
    "histogram",
    "lag_matrix",
    "lognormal_params",
    "median_range_params",
    "month_boundaries",
    "monthly_bands",
    "poisson_counts",
    "required_scale",
    "required_volume",
    "revenue_for_deals",
    "reverse_funnel",
    "run",
    "sample_uniforms",
    "scenario_with_inputs",
    "seasonality_from_row",
    "seek",
    "stage_table",
    "summarize",
    "target_caption",
    "volume_thresholds",
]
