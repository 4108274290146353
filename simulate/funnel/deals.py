"""Per-deal luck: Poisson counts by inversion and deal-size sums from a shared pool of deals.

Counts. A cell's won deals (trial x month) are Poisson; they are drawn by inverting the Poisson CDF at
one uniform per cell (`poisson_inverse`), so two scenarios that share the uniforms get counts that move
together: more expected deals never means fewer deals in the same trial-month.

Sizes. Deal sizes are lognormal: size = median x exp(sigma z), z standard normal. Each run builds a pool
of POOL_SIZE standard-normal values for its seed, stratified (one value in each of POOL_SIZE equal-
probability slices of the normal, then shuffled), and each cell takes its deals as a window of
consecutive pool entries starting at a random offset: the cell's revenue is the sum of exactly N pool
deals, read in O(1) from the pool's running sum. Every pool value is a standard normal draw (stratified
draws are marginally exact) and the deals inside a window are distinct draws, so the sum of a window of
N is the sum of N lognormal deal sizes, for every N and every spread; no approximation of the sum is
made. What the pool shares between cells: windows of different cells may overlap (two cells reuse some of
the same deals) with probability about 2 N / POOL_SIZE per pair of cells, which only couples far-apart
trials weakly; tests/unit/test_tails.py compares the result with independent per-deal sums.

Common random numbers to the deal: the pool and the offsets depend only on the seed, so two scenarios
that differ in volume, a conversion rate or deal size read the same deals in the same order: a cell with
one more deal in B has A's deals plus the next one from the pool, and a larger deal size scales every
deal. Capacity splits a cell's deals among reps as sub-windows of the same window (`window_sum`).
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import special

POOL_SIZE = 1 << 22  # 4,194,304 deals per seed: 32 MB of normals, 32 MB of running sums per deal-size spread
POOL_STREAM = 11  # spawn key keeping the pool's random numbers apart from every other stream


@functools.lru_cache(maxsize=4)
def _normal_pool(seed: int, size: int) -> np.ndarray:
    """Stratified, shuffled standard normals: one draw in each slice [j, j + 1) / size of probability."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, POOL_STREAM]))
    u = (np.arange(size, dtype=float) + rng.random(size)) / size
    z = special.ndtri(np.clip(u, 1e-300, None))
    rng.shuffle(z)
    z.flags.writeable = False
    return z


class DealPool:
    """Running sums of a seed's pool of deal sizes in units of the median: exp(sigma z)."""

    def __init__(self, seed: int, sigma: float, size: int = POOL_SIZE):
        self.seed, self.sigma, self.size = int(seed), float(sigma), int(size)
        values = np.exp(self.sigma * _normal_pool(self.seed, self.size))
        self.total = float(values.sum())
        self.cumsum = np.concatenate([[0.0], np.cumsum(values)])
        self.cumsum.flags.writeable = False

    def _prefix(self, position: np.ndarray) -> np.ndarray:
        """Sum of the first `position` deals of the pool repeated end to end (position >= 0)."""
        laps, rest = np.divmod(position, self.size)
        return laps * self.total + self.cumsum[rest]

    def window_sum(self, offset: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Sum of deals start..stop-1 (0-based) of the window beginning at `offset` (any shapes that broadcast)."""
        offset = np.asarray(offset, dtype=np.int64)
        return self._prefix(offset + np.asarray(stop, dtype=np.int64)) - self._prefix(
            offset + np.asarray(start, dtype=np.int64)
        )

    def sums(self, offset: np.ndarray, count: np.ndarray) -> np.ndarray:
        """Sum of the first `count` deals of each window (in units of the median deal)."""
        return self.window_sum(offset, 0, count)

    def deal(self, offset: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The k-th deal (0-based) of each window, in units of the median deal."""
        return self.window_sum(offset, k, np.asarray(k) + 1)


@functools.lru_cache(maxsize=4)
def deal_pool(seed: int, sigma: float, size: int = POOL_SIZE) -> DealPool:
    """The pool for a seed and a deal-size spread (cached: a page rerun reuses it)."""
    return DealPool(seed, sigma, size)


def pool_offsets(rng: np.random.Generator, shape: tuple[int, ...], size: int = POOL_SIZE) -> np.ndarray:
    """Random window starts into the pool."""
    return rng.integers(0, size, shape, dtype=np.int64).astype(np.int32 if size <= 2**31 else np.int64)


GRID_RATIO = 1.02  # table rows at means 1, 1.02, 1.02^2, ... up to TABLE_MAX_MEAN
TABLE_MAX_MEAN = 1_000.0


@functools.lru_cache(maxsize=1)
def _cdf_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson CDFs for the grid means (row 0: mean 0; row j >= 1: mean GRID_RATIO^(j - 1)), one row each,
    flattened with row j shifted by +j so a row is found by its start. Returns (grid means, row starts, table)."""
    rows = int(np.floor(np.log(TABLE_MAX_MEAN) / np.log(GRID_RATIO))) + 2
    grid = np.concatenate([[0.0], GRID_RATIO ** np.arange(rows)])
    pieces, starts, at = [], [], 0
    for j, g in enumerate(grid):
        k = np.arange(int(np.ceil(g + 14.0 * np.sqrt(g) + 40.0)), dtype=float)
        cdf = special.gammaincc(k + 1.0, g) if g > 0 else np.ones_like(k)
        cdf[-1] = 1.0  # the remaining tail is below 1e-40
        starts.append(at)
        pieces.append(j + cdf)
        at += len(k)
    return grid, np.asarray(starts, dtype=np.int64), np.concatenate(pieces)


def _walk_from_zero(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson inversion by the pmf recurrence from k = 0 (for small means)."""
    k = np.zeros(lam.shape)
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    idx = np.nonzero(cdf < u)[0]
    while idx.size:
        k[idx] += 1.0
        pmf[idx] *= lam[idx] / k[idx]
        cdf[idx] += pmf[idx]
        idx = idx[cdf[idx] < u[idx]]
    return k


def _table_inverse(
    table: np.ndarray, row: np.ndarray, shift: np.ndarray, mean: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Smallest k with CDF_row(k) >= u: a Cornish-Fisher guess, then a walk on the tabulated CDF."""
    z = special.ndtri(u)
    k = np.clip(np.floor(mean + np.sqrt(mean) * z + (z * z - 1.0) / 6.0), 0.0, None).astype(np.int64)
    idx = np.nonzero(table[row + k] - shift < u)[0]
    while idx.size:
        k[idx] += 1
        idx = idx[table[row[idx] + k[idx]] - shift[idx] < u[idx]]
    idx = np.nonzero(k > 0)[0]
    idx = idx[table[row[idx] + k[idx] - 1] - shift[idx] >= u[idx]]
    while idx.size:
        k[idx] -= 1
        idx = idx[k[idx] > 0]
        idx = idx[table[row[idx] + k[idx] - 1] - shift[idx] >= u[idx]]
    return k


def poisson_counts(u: np.ndarray, v: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson(lam) counts from two uniforms per cell, fast and exact in distribution.

    lam = g + d with g the largest grid mean <= lam (grid ratio 1.02) and d the rest: the count is the
    sum of independent Poisson(g) (inverted at u from a cached table of CDFs) and Poisson(d) (inverted
    at v by a short walk). Superposition makes the sum exactly Poisson(lam); both parts grow with lam for
    fixed (u, v), so scenarios sharing the uniforms get strongly coupled counts. Means above
    TABLE_MAX_MEAN are inverted exactly at u (poisson_inverse).
    """
    u, v, lam = np.broadcast_arrays(
        np.asarray(u, dtype=float), np.asarray(v, dtype=float), np.asarray(lam, dtype=float)
    )
    shape = lam.shape
    u, v = np.clip(u.ravel(), 1e-300, 1.0 - 1e-12), np.clip(v.ravel(), 1e-300, 1.0 - 1e-12)
    lam = np.maximum(lam.ravel(), 0.0)
    grid, starts, table = _cdf_table()
    big = lam > TABLE_MAX_MEAN
    clipped = np.where(big, 1.0, lam)
    j = np.where(clipped >= 1.0, np.floor(np.log(np.maximum(clipped, 1.0)) / np.log(GRID_RATIO)) + 1, 0).astype(
        np.int64
    )
    j = np.minimum(j, len(grid) - 1)
    j -= grid[j] > clipped  # guard the log's rounding
    out = _table_inverse(table, starts[j], j.astype(float), grid[j], u)
    out += _walk_from_zero(v, clipped - grid[j]).astype(np.int64)
    if big.any():
        out[big] = poisson_inverse(u[big], lam[big])
    return out.reshape(shape)


def poisson_inverse(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Smallest k with P(Poisson(lam) <= k) >= u, elementwise (exact inversion, int64).

    Starts from the Cornish-Fisher guess and walks to the exact answer with the CDF (scipy pdtr); one
    or two CDF evaluations per cell in practice.
    """
    u, lam = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(lam, dtype=float))
    shape = u.shape
    u = np.clip(u.ravel(), 1e-300, 1.0 - 1e-16)
    lam = np.maximum(np.ascontiguousarray(lam.ravel()), 0.0)
    z = special.ndtri(u)
    k = np.clip(np.floor(lam + np.sqrt(lam) * z + (z * z - 1.0) / 6.0), 0.0, None)
    positive = lam > 0
    k[~positive] = 0.0
    cdf = np.ones_like(lam)
    cdf[positive] = special.gammaincc(k[positive] + 1.0, lam[positive])  # P(Poisson(lam) <= k)
    pmf = np.zeros_like(lam)
    pmf[positive] = np.exp(special.xlogy(k[positive], lam[positive]) - lam[positive] - special.gammaln(k[positive] + 1))
    pmf[~positive] = 1.0
    idx = np.nonzero(cdf < u)[0]  # walk up: P(<= k + 1) = P(<= k) + pmf(k) lam / (k + 1)
    while idx.size:
        k[idx] += 1.0
        pmf[idx] *= lam[idx] / k[idx]
        cdf[idx] += pmf[idx]
        idx = idx[cdf[idx] < u[idx]]
    idx = np.nonzero((k > 0) & (cdf - pmf >= u))[0]  # walk down while P(<= k - 1) still reaches u
    while idx.size:
        cdf[idx] -= pmf[idx]
        pmf[idx] *= k[idx] / lam[idx]
        k[idx] -= 1.0
        idx = idx[(k[idx] > 0) & (cdf[idx] - pmf[idx] >= u[idx])]
    return k.astype(np.int64).reshape(shape)
