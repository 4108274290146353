"""Forecast a month or quarter of bookings from a CRM export: the one call pages, the CLI and backtests use.

from simulate.pipeline import forecast_pipeline
fc = forecast_pipeline(opportunities, as_of="2017-09-30", period="quarter", trials=10_000, seed=7)
fc.bookings.p50, fc.hit.p, fc.by_owner, fc.what_if_lost("Z063OYW0")
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulate.funnel import Chance, Distribution, chance_at_least, histogram, summarize
from simulate.pipeline.calibration import (
    Calibration,
    Period,
    Snapshot,
    as_of_snapshot,
    calibrate,
    new_deal_rate,
    open_deal_table,
    period_after,
)
from simulate.pipeline.montecarlo import common_multiplier, simulate_deals, simulate_new_deals
from simulate.pipeline.survival import WON
from simulate.scenario import ScenarioError


@dataclass(frozen=True)
class PipelineForecast:
    """Bookings (currency) and won deals in the period: already booked + existing pipeline + new deals."""

    as_of: pd.Timestamp
    period: Period
    trials: int
    seed: int
    booked_so_far: float  # won in the period on or before as_of (currency)
    won_so_far: int
    bookings: Distribution  # total for the period
    won_deals: Distribution
    existing: Distribution  # bookings from deals open at as_of
    new: Distribution  # bookings from deals created after as_of
    existing_won: Distribution
    new_won: Distribution
    hit: Chance | None
    target: float | None
    pipeline_in_period: float  # expected value of open deals that close (won or lost) in the period
    undated_open: int  # open deals without a created date: not in `deals` (new pipeline covers them)
    naive_mean: float  # every open deal at the overall win rate and the mean won size (+ the same new deals)
    deals: pd.DataFrame  # open deal table (see pipeline_mc.open_deal_table)
    calibration: Calibration
    histogram: pd.DataFrame
    floor_8_in_10: float  # bookings reached in 8 of 10 trials (the 20th percentile)
    lost_ids: tuple[str, ...] = field(default=())

    @property
    def remaining_target(self) -> float | None:
        return None if self.target is None else max(self.target - self.booked_so_far, 0.0)

    @property
    def coverage(self) -> float | None:
        """Pipeline expected to close in the period / remaining target (None without a target)."""
        rest = self.remaining_target
        return None if not rest else self.pipeline_in_period / rest

    @property
    def required_coverage(self) -> float:
        """1 / overall win rate: the coverage at which the expected wins just meet the target."""
        return 1.0 / self.calibration.overall_win_rate

    def breakdown(self, column: str) -> pd.DataFrame:
        """Expected bookings and won deals from the existing pipeline per owner / product / account."""
        d = self.deals
        table = d.groupby(column).agg(
            open_deals=("opportunity_id", "size"),
            expected_won=("p_win", "sum"),
            expected_bookings=("expected_bookings", "sum"),
        )
        return table.sort_values("expected_bookings", ascending=False).reset_index()

    def uncertainty_drivers(self, top: int = 10) -> pd.DataFrame:
        """Deals whose outcome moves the total most: share of the variance of existing-pipeline bookings."""
        d = self.deals
        total = float(d["variance"].sum()) or 1.0
        out = d.nlargest(top, "variance")[
            ["opportunity_id", "owner", "product", "account", "age_days", "p_win", "expected_size", "variance"]
        ]
        return out.assign(variance_share=out["variance"] / total).drop(columns="variance").reset_index(drop=True)

    def to_dict(self) -> dict:
        """The CLI's JSON: bookings and won_deals (mean, p10, p50, p90, ...), p_hit_target when a target is set."""
        out = {
            "as_of": f"{self.as_of:%Y-%m-%d}",
            "period": self.period.label,
            "period_start": f"{self.period.start:%Y-%m-%d}",
            "period_end": f"{self.period.end:%Y-%m-%d}",
            "trials": self.trials,
            "seed": self.seed,
            "bookings": self.bookings.to_dict(),
            "won_deals": self.won_deals.to_dict(),
            "booked_so_far": self.booked_so_far,
            "won_so_far": self.won_so_far,
            "from_existing_pipeline": self.existing.to_dict(),
            "from_new_pipeline": self.new.to_dict(),
            "open_deals": int(len(self.deals)),
            "open_deals_without_created_date": self.undated_open,
            "pipeline_in_period": self.pipeline_in_period,
            "required_coverage": self.required_coverage,
            "naive_mean": self.naive_mean,
            "overall_win_rate": self.calibration.overall_win_rate,
            "volatility": self.calibration.period_volatility(self.period),
            "period_effect": self.calibration.period_effect(self.period),
        }
        if self.target is not None:
            out.update(
                target=self.target, p_hit_target=self.hit.p, p_hit_target_mc_se=self.hit.mc_se, coverage=self.coverage
            )
        return out


def forecast_pipeline(
    opportunities: pd.DataFrame,
    as_of: pd.Timestamp | str,
    period: str = "quarter",
    trials: int = 10_000,
    seed: int = 0,
    target: float | None = None,
    lost_ids: Iterable[str] = (),
    segment: str = "product",
    calibration: Calibration | None = None,
    snapshot: Snapshot | None = None,
) -> PipelineForecast:
    """Forecast bookings for the month/quarter after `as_of` using only what was known on `as_of`.

    lost_ids: open deals to treat as lost ("what if we lose deal X"); same seed = same other draws.
    """
    if not 100 <= int(trials) <= 1_000_000:
        raise ScenarioError("trials", f"trials must be between 100 and 1,000,000 (got {trials})")
    if target is not None and not (np.isfinite(target) and target >= 0):
        raise ScenarioError("target", f"target must be a non-negative amount (got {target})")
    snap = snapshot or as_of_snapshot(opportunities, as_of)
    calib = calibration or calibrate(snap, segment=segment)
    per = period_after(snap.as_of, period)
    deals = open_deal_table(snap, calib, per)
    lost = tuple(str(x) for x in lost_ids)
    unknown = set(lost) - set(deals["opportunity_id"])
    if unknown:
        raise ScenarioError("lost_ids", f"not an open deal on {snap.as_of:%Y-%m-%d}: {', '.join(sorted(unknown))}")
    p_drawn = deals["p_win"].to_numpy().copy()  # lost deals are still drawn so other deals keep their numbers
    gone = deals["opportunity_id"].isin(lost).to_numpy()
    deals.loc[gone, ["p_win", "expected_bookings", "variance"]] = 0.0

    rng = np.random.default_rng(seed)
    mult = common_multiplier(rng, int(trials), calib.period_volatility(per))
    ex_book, ex_won = simulate_deals(
        p_drawn,
        deals["log_mean"].to_numpy(),
        deals["log_sd"].to_numpy(),
        deals["amount"].to_numpy(float),
        mult,
        rng,
        lost=gone,
    )
    expected_new, mix = new_deal_rate(calib, per, snap.as_of)
    new_book, new_won = simulate_new_deals(expected_new, mix, calib, mult, rng)

    closed = snap.closed
    so_far = closed[(closed["outcome"] == WON) & closed["close_date"].between(per.start, snap.as_of)]
    booked, won_n = float(so_far["amount"].sum()), int(len(so_far))
    total = booked + ex_book + new_book
    mean_won_size = float(closed.loc[closed["outcome"] == WON, "amount"].mean())
    return PipelineForecast(
        as_of=snap.as_of,
        period=per,
        trials=int(trials),
        seed=int(seed),
        booked_so_far=booked,
        won_so_far=won_n,
        bookings=summarize(total),
        won_deals=summarize(won_n + ex_won + new_won),
        existing=summarize(ex_book),
        new=summarize(new_book),
        existing_won=summarize(ex_won),
        new_won=summarize(new_won),
        hit=None if target is None else chance_at_least(total, target),
        target=target,
        pipeline_in_period=float((deals["p_close"] * deals["expected_size"]).sum()),
        undated_open=int(len(snap.open) - len(deals)),
        naive_mean=booked + len(snap.open) * calib.overall_win_rate * mean_won_size + float(new_book.mean()),
        deals=deals,
        calibration=calib,
        histogram=histogram(total, bins=40),
        floor_8_in_10=float(np.percentile(total, 20)),
        lost_ids=lost,
    )


def what_if_lost(fc: PipelineForecast, opportunities: pd.DataFrame, deal_id: str) -> PipelineForecast:
    """The same forecast (same seed, same calibration) with one more open deal lost."""
    snap = as_of_snapshot(opportunities, fc.as_of)
    return forecast_pipeline(
        opportunities,
        fc.as_of,
        fc.period.kind,
        fc.trials,
        fc.seed,
        fc.target,
        lost_ids=fc.lost_ids + (str(deal_id),),
        calibration=fc.calibration,
        snapshot=snap,
    )
