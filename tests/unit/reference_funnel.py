"""A plain reference simulation of the funnel, written independently of simulate/funnel/engine.py.

Stage-by-stage binomial draws per entry month, then one draw per won deal for its entry moment (uniform
over the real days of its calendar month), cycle length in days and size; the deal counts in the calendar
month of its close date. Slow but obvious: it is what the engine must agree with, in distribution.
Also used by bench/funnel_speed.py as the speed baseline.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

WARM_UP_MONTHS = 48  # cohorts before the horizon that may still close inside it


def month_starts(start_month: str, first: int, count: int) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of the first day of months first .. first + count."""
    months = np.datetime64(start_month, "M") + np.arange(first, first + count + 1)
    return months.astype("datetime64[D]").astype(np.int64).astype(float)


def draw_rate(rate, rng: np.random.Generator, n: int) -> np.ndarray:
    if rate.kind == "point":
        return np.full(n, rate.value)
    if rate.kind == "range":
        lo, hi = np.log(rate.low / (1 - rate.low)), np.log(rate.high / (1 - rate.high))
        z = stats.norm.ppf(0.95)
        logits = rng.normal((lo + hi) / 2, (hi - lo) / (2 * z), n)
        return 1 / (1 + np.exp(-logits))
    return rng.beta(rate.won + 1, rate.trials - rate.won + 1, n)


def reference_run(scenario, trials: int, seed: int) -> dict:
    """Returns won and revenue arrays (trials x months) by close month."""
    rng = np.random.default_rng(seed)
    horizon = scenario.horizon_months
    v = scenario.volume
    season = np.array(v.seasonality, dtype=float)
    season = season / season.mean()
    first_calendar_month = int(scenario.start_month[5:7]) - 1
    rates = np.column_stack([draw_rate(s.conversion, rng, trials) for s in scenario.stages[1:]])
    cyc_mu = np.log(scenario.cycle.median_days)
    cyc_sigma = np.log(scenario.cycle.p90_days / scenario.cycle.median_days) / stats.norm.ppf(0.9)
    size_mu = np.log(scenario.deal_size.median)
    size_sigma = np.log(scenario.deal_size.p90 / scenario.deal_size.median) / stats.norm.ppf(0.9)
    medians = np.full(trials, scenario.deal_size.median)
    cycle_medians = np.full(trials, scenario.cycle.median_days)
    z90 = stats.norm.ppf(0.95)
    for section, out in ((scenario.deal_size, medians), (scenario.cycle, cycle_medians)):
        if section.median_low is not None:  # a 90% range on the median: lognormal, drawn once per trial
            a, b = np.log(section.median_low), np.log(section.median_high)
            out[:] = np.exp(rng.normal((a + b) / 2, (b - a) / (2 * z90), trials))
    bounds = month_starts(scenario.start_month, -WARM_UP_MONTHS, WARM_UP_MONTHS + horizon)
    horizon_bounds = bounds[WARM_UP_MONTHS:]
    won = np.zeros((trials, horizon), dtype=np.int64)
    revenue = np.zeros((trials, horizon))
    for t in range(-WARM_UP_MONTHS, horizon):
        expected = v.level * (1 + v.growth) ** t * season[(first_calendar_month + t) % 12]
        if v.overdispersion > 0:
            shape = 1 / v.overdispersion**2
            expected = expected * rng.gamma(shape, 1 / shape, trials)
        count = rng.poisson(np.broadcast_to(expected, (trials,)))
        for k in range(rates.shape[1]):  # stage by stage
            count = rng.binomial(count, rates[:, k])
        deals = int(count.sum())
        if deals == 0:
            continue
        trial_of_deal = np.repeat(np.arange(trials), count)
        first_day, days = bounds[t + WARM_UP_MONTHS], bounds[t + WARM_UP_MONTHS + 1] - bounds[t + WARM_UP_MONTHS]
        entry_day = first_day + days * rng.random(deals)  # a uniform moment of the calendar month
        cycle_days = (
            np.exp(rng.normal(cyc_mu, cyc_sigma, deals)) * (cycle_medians / scenario.cycle.median_days)[trial_of_deal]
        )
        close_day = entry_day + cycle_days
        close = np.searchsorted(horizon_bounds, close_day, side="right") - 1  # calendar month of the close date
        close[close_day >= horizon_bounds[-1]] = horizon
        size = np.exp(rng.normal(size_mu, size_sigma, deals)) * (medians / scenario.deal_size.median)[trial_of_deal]
        inside = (close >= 0) & (close < horizon)
        np.add.at(won, (trial_of_deal[inside], close[inside]), 1)
        np.add.at(revenue, (trial_of_deal[inside], close[inside]), size[inside])
    return {"won": won, "revenue": revenue}
