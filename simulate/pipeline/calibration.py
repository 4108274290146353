"""Pipeline calibration from a CRM export: as-of replay, win rates, time to close, deal sizes, creation rate.

Everything here uses only what was known at the as-of date (see `as_of_snapshot`), so the same code serves
today's forecast and the backtest. The Monte Carlo lives in simulate/pipeline/montecarlo.py, backtests in
simulate/pipeline/backtest.py. Units: days for ages and durations, currency units for amounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from simulate.pipeline.survival import LOST, OPEN, WON, CloseCurves, fit_close_curves
from simulate.scenario import ScenarioError

PRIOR_STRENGTH = 20.0  # pseudo-deals pulling a segment's win rate towards the overall rate
CREATION_WINDOW_DAYS = 90  # recent window for the rate of new deals (deals per day)
DEFAULT_VOLATILITY = 0.25  # log-sd of the month-to-month win multiplier before history says otherwise
PERIOD_KINDS = ("month", "quarter")


@dataclass(frozen=True)
class Period:
    """A forecast window: days after the as-of date up to the end of its month or quarter (inclusive)."""

    kind: str
    start: pd.Timestamp  # first day of the calendar month/quarter (closes before as_of+1 are already booked)
    end: pd.Timestamp  # last day, inclusive
    label: str

    def days_after(self, as_of: pd.Timestamp) -> int:
        """Days from the as-of date to the period end (the forecast horizon)."""
        return int((self.end - as_of).days)


def period_after(as_of: pd.Timestamp | str, kind: str) -> Period:
    """The month or quarter containing the day after `as_of` (so a month-end as-of gives the next month)."""
    if kind not in PERIOD_KINDS:
        raise ScenarioError("period", f"period must be month or quarter (got {kind!r})")
    day = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    p = day.to_period("M" if kind == "month" else "Q")
    label = p.strftime("%b %Y") if kind == "month" else f"Q{p.quarter} {p.year}"
    return Period(kind, p.start_time.normalize(), p.end_time.normalize(), label)


@dataclass(frozen=True)
class Snapshot:
    """The pipeline as it looked on `as_of`: closed deals (with outcomes) and open deals (with ages)."""

    as_of: pd.Timestamp
    deals: pd.DataFrame  # tidy columns + outcome (OPEN/WON/LOST), days (to close, or age if open), age_known

    @property
    def open(self) -> pd.DataFrame:
        return self.deals[self.deals["outcome"] == OPEN]

    @property
    def closed(self) -> pd.DataFrame:
        return self.deals[self.deals["outcome"] != OPEN]


def export_date(opportunities: pd.DataFrame) -> pd.Timestamp:
    """The latest date in the export (taken as the day it was exported)."""
    dates = pd.concat([opportunities["created_date"], opportunities["close_date"]]).dropna()
    if dates.empty:
        raise ScenarioError("opportunities", "no dates in the opportunities: map the created and close date columns")
    return pd.Timestamp(dates.max()).normalize()


def as_of_snapshot(opportunities: pd.DataFrame, as_of: pd.Timestamp | str) -> Snapshot:
    """Replay the export as of a date, with nothing from after it.

    Deals created after as_of are dropped; deals closed after as_of become open again, their outcome and
    amount hidden (a CRM amount on an open deal would be the final value, which was not known then).
    Open deals without a created date are only known at the export date (kept only if as_of >= it).
    """
    as_of = pd.Timestamp(as_of).normalize()
    opp = opportunities
    last = export_date(opp)
    known = opp["created_date"].le(as_of) | (opp["created_date"].isna() & (as_of >= last))
    deals = opp[known].copy()
    closed_by = deals["status"].isin(["won", "lost"]) & deals["close_date"].le(as_of)
    reopened = ~closed_by & deals["status"].isin(["won", "lost"])
    deals["outcome"] = np.where(closed_by, np.where(deals["status"] == "won", WON, LOST), OPEN)
    deals.loc[reopened, "amount"] = np.nan
    deals.loc[reopened, "close_date"] = pd.NaT
    deals.loc[reopened, "status"] = "open"
    deals.loc[reopened, "stage"] = "(open then)"
    deals["age_known"] = deals["created_date"].notna()
    end = deals["close_date"].where(closed_by, as_of)
    deals["days"] = (end - deals["created_date"]).dt.days.fillna(0).clip(lower=0).astype(float)
    return Snapshot(as_of, deals.reset_index(drop=True))


@dataclass(frozen=True)
class Calibration:
    """What history says, as of a date: the inputs of the Monte Carlo (all explainable on screen)."""

    as_of: pd.Timestamp
    curves: CloseCurves  # time to close (days since created), won vs lost
    segment: str  # column the win rates are split by ("product", "owner", ...)
    win_rates: pd.DataFrame  # segment, won, lost, win_rate (posterior mean), lo_90, hi_90, factor (vs overall)
    overall_win_rate: float
    sizes: pd.DataFrame  # product, won, log_mean, log_sd, mean (currency units)
    creation_per_day: float  # new deals per day (recent window)
    product_mix: pd.Series  # share of recent new deals by product
    volatility: float  # log-sd of the common multiplier on win chances for a month (after the quarter rhythm)
    volatility_months: int  # months of history behind it
    month_effects: tuple[float, float, float] = (1.0, 1.0, 1.0)  # win-chance multiplier, months 1-3 of a quarter
    quarter_volatility: float | None = None  # log-sd for a quarter (None: same as a month)
    residuals: pd.DataFrame | None = (
        None  # past months: expected vs actual won deals (see pipeline_mc.monthly_residuals)
    )

    def period_effect(self, period: Period) -> float:
        """Quarter-rhythm multiplier for a period: its month's effect; 1 for a whole quarter."""
        if period.kind == "quarter":
            return 1.0
        return self.month_effects[(period.start.month - 1) % 3]

    def period_volatility(self, period: Period) -> float:
        """Log-sd of the common multiplier for a month or a quarter."""
        if period.kind == "quarter" and self.quarter_volatility is not None:
            return self.quarter_volatility
        return self.volatility

    def size_params(self, products: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Lognormal (log mean, log sd) per deal from its product; the overall fit for unknown products."""
        table = self.sizes.set_index("product")
        overall = table.loc["(all)"]
        mu = products.map(table["log_mean"]).fillna(overall["log_mean"]).to_numpy(float)
        sd = products.map(table["log_sd"]).fillna(overall["log_sd"]).to_numpy(float)
        return mu, sd

    def win_factor(self, segments: pd.Series) -> np.ndarray:
        """Segment win rate over the overall win rate, per deal (1 for unknown segments)."""
        table = self.win_rates.set_index("segment")["factor"]
        return segments.map(table).fillna(1.0).to_numpy(float)


def win_rate_table(closed: pd.DataFrame, segment: str) -> tuple[pd.DataFrame, float]:
    """Win rate per segment with a 90% interval: Beta posterior pulled towards the overall rate."""
    won_all = int((closed["outcome"] == WON).sum())
    overall = (won_all + 0.5) / (len(closed) + 1.0)
    g = closed.groupby(segment)["outcome"]
    won = g.apply(lambda s: int((s == WON).sum()))
    lost = g.apply(lambda s: int((s == LOST).sum()))
    a = PRIOR_STRENGTH * overall + won
    b = PRIOR_STRENGTH * (1 - overall) + lost
    table = pd.DataFrame(
        {
            "segment": won.index.astype(str),
            "won": won.to_numpy(),
            "lost": lost.to_numpy(),
            "win_rate": (a / (a + b)).to_numpy(),
            "lo_90": stats.beta.ppf(0.05, a, b),
            "hi_90": stats.beta.ppf(0.95, a, b),
        }
    )
    table["factor"] = table["win_rate"] / overall
    return table.sort_values("won", ascending=False).reset_index(drop=True), float(overall)


def size_table(closed: pd.DataFrame) -> pd.DataFrame:
    """Lognormal fit of won amounts per product (log mean, log sd), plus an '(all)' row as fallback."""
    won = closed[(closed["outcome"] == WON) & (closed["amount"] > 0)]
    if won.empty:
        raise ScenarioError(
            "opportunities", "no won deals with an amount before the as-of date: deal sizes cannot be learnt"
        )
    logs = np.log(won["amount"].to_numpy(float))
    rows = [("(all)", len(won), logs.mean(), logs.std(ddof=1) if len(won) > 1 else 0.5)]
    for product, part in won.groupby("product"):
        x = np.log(part["amount"].to_numpy(float))
        # small groups borrow the overall spread
        sd = np.sqrt((x.var(ddof=1) * (len(x) - 1) + 4 * rows[0][3] ** 2) / (len(x) + 3)) if len(x) > 1 else rows[0][3]
        rows.append((str(product), len(x), x.mean(), sd))
    table = pd.DataFrame(rows, columns=["product", "won", "log_mean", "log_sd"])
    table["mean"] = np.exp(table["log_mean"] + table["log_sd"] ** 2 / 2)
    return table


def calibrate(snapshot: Snapshot, segment: str = "product", volatility: float | None = None) -> Calibration:
    """Fit curves, win rates, sizes and the creation rate from a snapshot (nothing after its as-of date)."""
    deals = snapshot.deals
    if segment not in deals.columns:
        raise ScenarioError(
            "segment", f"segment must be a column of the opportunities such as product or owner (got {segment!r})"
        )
    closed = snapshot.closed
    if (closed["outcome"] == WON).sum() == 0 or len(closed) < 5:
        raise ScenarioError(
            "opportunities",
            f"only {len(closed)} closed deals ({int((closed['outcome'] == WON).sum())} won) before {snapshot.as_of:%Y-%m-%d}: "
            "win rates and cycle times need at least 5 closed deals including a won one; include closed deals in the export or pick a later as-of date",
        )
    dated = deals[deals["age_known"]]
    curves = fit_close_curves(dated["days"].to_numpy(), dated["outcome"].to_numpy())
    rates, overall = win_rate_table(closed, segment)
    sizes = size_table(closed)
    recent = deals[deals["created_date"] > snapshot.as_of - pd.Timedelta(days=CREATION_WINDOW_DAYS)]
    first = deals["created_date"].min()
    window = (
        max(1, min(CREATION_WINDOW_DAYS, (snapshot.as_of - first).days + 1))
        if pd.notna(first)
        else CREATION_WINDOW_DAYS
    )
    mix = (
        recent["product"].value_counts(normalize=True)
        if len(recent)
        else closed["product"].value_counts(normalize=True)
    )
    calib = Calibration(
        snapshot.as_of, curves, segment, rates, overall, sizes, len(recent) / window, mix, DEFAULT_VOLATILITY, 0
    )
    if volatility is not None:
        return _replace(calib, volatility=float(volatility))
    residuals = monthly_residuals(snapshot, calib)
    effects, sigma_month, sigma_quarter = month_effects_and_volatility(residuals)
    return _replace(
        calib,
        volatility=sigma_month,
        volatility_months=len(residuals),
        month_effects=effects,
        quarter_volatility=sigma_quarter,
        residuals=residuals,
    )


def _replace(calib: Calibration, **changes) -> Calibration:
    from dataclasses import replace

    return replace(calib, **changes)


# --- expected wins from the calibration, and the month-to-month swing they leave -------------------
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


def monthly_residuals(snapshot: Snapshot, calib: Calibration, min_expected: float = 5.0) -> pd.DataFrame:
    """Past full months (all before as_of): won deals expected by the model at the start of each month vs won.

    One row per month with at least `min_expected` expected wins: month, position (1-3 in its quarter),
    expected, actual, log_ratio = log(actual / expected). In-sample: it uses this calibration's curves.
    """
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
