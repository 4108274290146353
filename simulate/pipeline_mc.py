"""Monte Carlo of a period's bookings: every open deal (won in the period or not, for how much) plus new deals.

Per trial: one common multiplier M on every win chance (months differ: this is what makes the range honest),
then each open deal is won with chance min(1, p_i * M) and sized from its amount or its product's lognormal,
and new deals created and won inside the period arrive as Poisson(mu_new * M) (thinning of the creation rate).
Arrays are (trials x deals), chunked over trials; sizes are drawn only for won cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulate.pipeline import Calibration, Period, Snapshot, as_of_snapshot
from simulate.pipeline_survival import WON

CHUNK_CELLS = 250_000  # deal-trial cells per chunk: ~1 MB of uniforms, stays in cache
UNIFORM_LEVELS = 65_536  # win chances are resolved to 1/65,536 (16-bit uniforms: 4 per 64-bit draw)


def _uniform_levels(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """(rows, cols) integers uniform on 0..65535, four from each raw 64-bit output of the generator."""
    cells = rows * cols
    raw = rng.bit_generator.random_raw((cells + 3) // 4)
    return raw.view(np.uint16)[:cells].reshape(rows, cols)


def common_multiplier(rng: np.random.Generator, trials: int, volatility: float) -> np.ndarray:
    """Per-trial lognormal multiplier with mean 1 and log-sd `volatility`."""
    if volatility <= 0:
        return np.ones(trials)
    return np.exp(volatility * rng.standard_normal(trials) - volatility**2 / 2)


def simulate_deals(
    p_win: np.ndarray,
    log_mean: np.ndarray,
    log_sd: np.ndarray,
    amount: np.ndarray,
    multiplier: np.ndarray,
    rng: np.random.Generator,
    chunk_cells: int = CHUNK_CELLS,
    lost: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Bookings (currency) and won-deal counts per trial for independent deals given per-trial multipliers.

    p_win: chance each deal is won in the period (before the multiplier); amount: known size or NaN (then a
    lognormal draw exp(log_mean + log_sd * z)). Returns two arrays of length len(multiplier).
    lost: deals to count as lost ("what if we lose deal X"): drawn as usual but never booked, so every other
    deal keeps exactly the same random numbers as in the run without the what-if.
    """
    trials = len(multiplier)
    active = np.flatnonzero(np.asarray(p_win) > 0)
    bookings = np.zeros(trials)
    won = np.zeros(trials, dtype=np.int64)
    if len(active) == 0:
        return bookings, won
    known_all = np.asarray(amount, float)
    active = active[np.argsort(np.isfinite(known_all[active]), kind="stable")]  # drawn sizes first, known after
    p = np.asarray(p_win, dtype=np.float32)[active]
    mu, sd, known = np.asarray(log_mean)[active], np.asarray(log_sd)[active], known_all[active]
    gone = np.zeros(len(active), dtype=bool) if lost is None else np.asarray(lost, dtype=bool)[active]
    nd = int((~np.isfinite(known)).sum())  # columns [0, nd): lognormal draw per won cell; [nd, ...): known amount
    fixed_amount = np.where(gone[nd:], 0.0, known[nd:])
    drawn_weight = (~gone[:nd]).astype(float)
    mu_d, sd_d = mu[:nd], sd[:nd]
    m32 = np.asarray(multiplier, dtype=np.float32)
    scaled = p * np.float32(UNIFORM_LEVELS)
    rows = max(1, min(trials, int(chunk_cells // len(active))))
    threshold = np.empty((rows, len(active)), dtype=np.float32)
    hit = np.empty((rows, len(active)), dtype=bool)
    for start in range(0, trials, rows):
        stop = min(trials, start + rows)
        n = stop - start
        u = _uniform_levels(rng, n, len(active))
        np.multiply(m32[start:stop, None], scaled[None, :], out=threshold[:n])
        np.subtract(threshold[:n], np.float32(0.5), out=threshold[:n])  # P(u < x - 1/2) = round(x) / 65536
        np.less(u, threshold[:n], out=hit[:n])
        if nd:
            r, c = np.nonzero(hit[:n, :nd])
            size = np.exp(mu_d[c] + sd_d[c] * rng.standard_normal(len(c), dtype=np.float32))
            bookings[start:stop] += np.bincount(r, weights=size * drawn_weight[c], minlength=n)
        if nd < len(active):
            bookings[start:stop] += hit[:n, nd:].astype(np.float64) @ fixed_amount
        if gone.any():
            hit[:n, gone] = False
        won[start:stop] = np.count_nonzero(hit[:n], axis=1)
    return bookings, won


def open_deal_table(snapshot: Snapshot, calib: Calibration, period: Period) -> pd.DataFrame:
    """One row per open deal with a created date: age, chance to close / to be won in the period, expected size
    and bookings. Open deals without a created date (e.g. Prospecting, not yet engaged) are left out: they are
    where future deals come from, which the new-pipeline part already counts from the creation rate."""
    deals = snapshot.open[snapshot.open["age_known"]].copy()
    horizon = period.days_after(snapshot.as_of)
    age = deals["days"].to_numpy(float)
    factor = calib.win_factor(deals[calib.segment].astype(str))
    p_close = calib.curves.closed_between(age, age, age + horizon)
    effect = calib.period_effect(period)  # the quarter rhythm: last months of a quarter book more
    p_win = np.minimum(calib.curves.won_between(age, age, age + horizon) * factor * effect, p_close)
    mu, sd = calib.size_params(deals["product"])
    amount = deals["amount"].to_numpy(float)
    mean_size = np.where(np.isfinite(amount), amount, np.exp(mu + sd**2 / 2))
    second = np.where(np.isfinite(amount), amount**2, np.exp(2 * mu + 2 * sd**2))
    deals = deals.assign(
        age_days=age,
        p_close=p_close,
        p_win=p_win,
        log_mean=mu,
        log_sd=sd,
        expected_size=mean_size,
        expected_bookings=p_win * mean_size,
        variance=p_win * second - (p_win * mean_size) ** 2,
    )
    return deals.sort_values("expected_bookings", ascending=False).reset_index(drop=True)


def new_deal_rate(calib: Calibration, period: Period, as_of: pd.Timestamp) -> tuple[float, pd.Series]:
    """Expected number of deals created after as_of and won by the period end, and their product mix."""
    horizon = period.days_after(as_of)
    if horizon <= 0 or calib.creation_per_day <= 0:
        return 0.0, calib.product_mix
    remaining = horizon - np.arange(1, horizon + 1)  # days left for a deal created on each future day
    base = calib.creation_per_day * float(calib.curves.won_by(remaining).sum()) * calib.period_effect(period)
    mix = calib.product_mix
    if calib.segment == "product":
        weights = mix * pd.Series(calib.win_factor(pd.Series(mix.index.astype(str))), index=mix.index)
        return base * float(weights.sum()), weights / weights.sum()
    return base, mix


def simulate_new_deals(
    expected: float, mix: pd.Series, calib: Calibration, multiplier: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Bookings and won counts per trial from deals not yet created: Poisson(expected * M) deals, sized by product.

    Split by product (Poisson splitting: independent Poisson(expected * M * share) per product), so each
    product's sizes are drawn in one block.
    """
    trials = len(multiplier)
    products = pd.Series(mix.index.astype(str))
    shares = mix.to_numpy(float) / mix.sum() if len(mix) else np.array([])
    mu, sd = calib.size_params(products)
    bookings = np.zeros(trials)
    won = np.zeros(trials, dtype=np.int64)
    for k in range(len(products)):
        counts = rng.poisson(expected * shares[k] * multiplier)
        total = int(counts.sum())
        if total == 0:
            continue
        sizes = np.exp(mu[k] + sd[k] * rng.standard_normal(total, dtype=np.float32))
        bookings += np.bincount(np.repeat(np.arange(trials), counts), weights=sizes, minlength=trials)
        won += counts
    return bookings, won


def monthly_residuals(snapshot: Snapshot, calib: Calibration, min_expected: float = 5.0) -> pd.DataFrame:
    """Past full months (all before as_of): won deals expected by the model at the start of each month vs won.

    One row per month with at least `min_expected` expected wins: month, position (1-3 in its quarter),
    expected, actual, log_ratio = log(actual / expected). In-sample: it uses this calibration's curves.
    """
    from simulate.pipeline import period_after

    closed = snapshot.closed
    columns = ["month", "position", "expected", "actual", "log_ratio"]
    if closed.empty:
        return pd.DataFrame(columns=columns)
    won_months = closed.loc[closed["outcome"] == WON, "close_date"].dt.to_period("M").value_counts()
    first = closed["close_date"].min().to_period("M")
    last = (snapshot.as_of + pd.Timedelta(days=1)).to_period("M") - 1  # last full month
    rows = []
    for month in pd.period_range(first, last, freq="M"):
        before = month.start_time.normalize() - pd.Timedelta(days=1)
        period = period_after(before, "month")
        past = as_of_snapshot(snapshot.deals, before)
        expected = float(open_deal_table(past, calib, period)["p_win"].sum()) + new_deal_rate(calib, period, before)[0]
        actual = int(won_months.get(month, 0))
        if expected >= min_expected:
            rows.append(
                (str(month), (month.month - 1) % 3 + 1, expected, actual, float(np.log(max(actual, 0.5) / expected)))
            )
    return pd.DataFrame(rows, columns=columns)


def month_effects_and_volatility(residuals: pd.DataFrame) -> tuple[tuple[float, float, float], float, float]:
    """Quarter rhythm and month-to-month swing of won deals, from past months' actual / expected.

    Returns (effects, month_volatility, quarter_volatility). effects: multipliers on win chances for the 1st,
    2nd and 3rd month of a quarter (deals bunch up at quarter-end), each position's mean log ratio pulled towards
    0 with the weight of one month, then centred so they only move wins between the months of a quarter.
    month_volatility: log-sd left after the effects; quarter_volatility: log-sd without removing them (a quarter
    holds all three positions, and its months' swings do not cancel in this data). Both are pulled towards
    DEFAULT_VOLATILITY with the weight of two months, with the Bernoulli noise (1 / expected) removed.
    """
    from simulate.pipeline import DEFAULT_VOLATILITY

    raw = []
    for position in (1, 2, 3):
        part = residuals.loc[residuals["position"] == position, "log_ratio"]
        raw.append(float(part.sum()) / (len(part) + 1.0))
    effects = [e - float(np.mean(raw)) for e in raw]

    def log_sd(left: pd.Series) -> float:
        squares = left**2 - 1.0 / residuals["expected"]
        sigma2 = (2 * DEFAULT_VOLATILITY**2 + float(squares.sum())) / (2 + len(residuals))
        return float(np.sqrt(max(sigma2, 0.01**2)))

    by_position = residuals["position"].map(dict(zip((1, 2, 3), effects, strict=True)))
    return (
        tuple(float(np.exp(e)) for e in effects),
        log_sd(residuals["log_ratio"] - by_position),
        log_sd(residuals["log_ratio"]),
    )
