"""Monte Carlo of a period's bookings: every open deal (won in the period or not, for how much) plus new deals.

Per trial: one common multiplier M on every win chance (months differ: this is what makes the range honest),
then each open deal is won with chance min(1, p_i * M) and sized from its amount or its product's lognormal,
and new deals created and won inside the period arrive as Poisson(mu_new * M) (thinning of the creation rate).
Arrays are (trials x deals), chunked over trials; sizes are drawn only for won cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulate.pipeline.calibration import Calibration

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
