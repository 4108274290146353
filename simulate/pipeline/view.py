"""What the pipeline page shows: one forecast (and the one without the deals treated as lost) in words and tables.

Pure (no streamlit): `pipeline_view(base, forecast)` returns a PipelineView the page draws as it is;
`what_if_candidates` / `kept_lost` choose the deals the what-if offers; `backtest_sentences` and
`import_sentence` word the backtest scores and a CRM import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi.wording import chance_in_10, count, money
from simulate.funnel import Metric
from simulate.pipeline.bookings import PipelineForecast

if TYPE_CHECKING:
    import crm

SEGMENTS = {"product": "Product", "owner": "Sales rep"}  # columns win rates can be split by -> label
MAX_TRIALS = 50_000  # the pipeline Monte Carlo is per deal: more trials add nothing a leader can see
WHAT_IF_DEALS = 200  # open deals offered in "what if we lose a deal", largest expected bookings first


def what_if_candidates(forecast: PipelineForecast) -> pd.DataFrame:
    """Open deals that may still be won in the period, in the forecast's order (largest expected bookings first)."""
    deals = forecast.deals
    return deals[deals["p_win"] > 0].head(WHAT_IF_DEALS)


def kept_lost(picked: Iterable[str], candidates: pd.DataFrame) -> tuple[str, ...]:
    """The picked deals still on offer (a new as-of date or file may have closed or removed some), in pick order."""
    ids = set(candidates["opportunity_id"])
    return tuple(x for x in picked if x in ids)


@dataclass(frozen=True)
class PipelineView:
    """Everything the pipeline page shows for one forecast, apart from the backtest (run on its own)."""

    forecast: PipelineForecast  # with the deals treated as lost
    base: PipelineForecast  # without them (the same forecast when none are)
    lost: tuple[str, ...]
    headline: str
    metrics: tuple[Metric, ...]  # P50, P10-P90, won deals, chance of the target
    pipeline_metrics: tuple[Metric, ...]  # already booked, existing and new pipeline, coverage
    notes: tuple[str, ...]  # captions under the metrics
    lost_options: dict[str, str]  # deal id -> label, for the what-if
    what_if: str | None  # what losing the picked deals does; None when none are picked
    calibration_note: str
    segment_title: str
    sizes: pd.DataFrame  # product, won, median, mean, log_sd
    download_name: str

    def forecast_json(self) -> str:
        """The forecast as the CLI prints it (indented JSON)."""
        return json.dumps(self.forecast.to_dict(), indent=2, default=float)


def pipeline_view(base: PipelineForecast, forecast: PipelineForecast | None = None) -> PipelineView:
    """The page's view of `forecast` (default: `base`), `base` being the same forecast with no deal treated as lost."""
    fc = base if forecast is None else forecast
    lost = fc.lost_ids
    calib = fc.calibration
    candidates = what_if_candidates(base)
    return PipelineView(
        forecast=fc,
        base=base,
        lost=lost,
        headline=headline(fc),
        metrics=headline_metrics(fc),
        pipeline_metrics=pipeline_metrics(fc),
        notes=notes(fc),
        lost_options={
            r.opportunity_id: f"{r.opportunity_id} - {r.account} - {r.product} ({r.p_win:.0%} x {money(r.expected_size)})"
            for r in candidates.itertuples()
        },
        what_if=what_if_sentence(base, fc) if lost else None,
        calibration_note=calibration_note(fc),
        segment_title=SEGMENTS.get(calib.segment, calib.segment),
        sizes=size_table(calib.sizes),
        download_name=f"pipeline_forecast_{fc.as_of:%Y%m%d}_{fc.period.kind}.json",
    )


def headline(fc: PipelineForecast) -> str:
    """The chance of the target and the 8-in-10 floor; without a target the most likely bookings and their range."""
    b = fc.bookings
    if fc.hit is not None:
        return (
            f"{chance_in_10(fc.hit.p)} chance of booking the {money(fc.target)} target in {fc.period.label}; "
            f"8 in 10 chance of at least {money(fc.floor_8_in_10)}."
        )
    return f"{fc.period.label}: most likely {money(b.p50)} booked; 8 in 10 chance of {money(b.p10)} to {money(b.p90)}."


def headline_metrics(fc: PipelineForecast) -> tuple[Metric, ...]:
    b, w = fc.bookings, fc.won_deals
    return (
        Metric("P50 bookings", money(b.p50), f"Half of {fc.trials:,} simulated futures book more than this"),
        Metric("P10 - P90", f"{money(b.p10)} - {money(b.p90)}", "8 in 10 simulated futures land in this range"),
        Metric("Won deals (P50)", count(w.p50), f"P10-P90: {count(w.p10)} - {count(w.p90)}"),
        Metric(
            "Chance of the target",
            "-" if fc.hit is None else f"{fc.hit.p:.0%}",
            "Set a target above" if fc.hit is None else f"Monte Carlo error +/- {fc.hit.mc_se:.1%}",
        ),
    )


def pipeline_metrics(fc: PipelineForecast) -> tuple[Metric, ...]:
    """Where the bookings come from, and the pipeline coverage (the coverage required without a target)."""
    if fc.coverage is not None:
        coverage = Metric(
            "Pipeline coverage",
            f"{fc.coverage:.1f}x",
            "Value of open deals expected to close in the period / remaining target",
        )
    else:
        coverage = Metric(
            "Required coverage", f"{fc.required_coverage:.1f}x", "1 / win rate: pipeline needed per $ of target"
        )
    return (
        Metric("Already booked", money(fc.booked_so_far), f"Won between {fc.period.start:%Y-%m-%d} and the as-of date"),
        Metric(
            "From existing pipeline",
            money(fc.existing.mean),
            f"Mean; {len(fc.deals):,} deals open on {fc.as_of:%Y-%m-%d}",
        ),
        Metric(
            "From new pipeline",
            money(fc.new.mean),
            "Mean; deals created after the as-of date and won by the period end",
        ),
        coverage,
    )


def notes(fc: PipelineForecast) -> tuple[str, ...]:
    """Coverage against what the win rate requires (with a target), the naive forecast, open deals without a date."""
    rate = fc.calibration.overall_win_rate
    out = []
    if fc.coverage is not None:
        out.append(
            f"Coverage {fc.coverage:.1f}x against the {fc.required_coverage:.1f}x this win rate requires (1 / win rate "
            f"{rate:.0%}): {'enough' if fc.coverage >= fc.required_coverage else 'not enough'} "
            "pipeline on average. Pipeline = expected value of open deals that close (won or lost) in the period."
        )
    out.append(
        f"A naive forecast (every open deal at the overall win rate of {rate:.0%}) says "
        f"{money(fc.naive_mean)}: it counts long-dead deals as live."
    )
    if fc.undated_open:
        out.append(
            f"{fc.undated_open:,} open deals have no created date (e.g. Prospecting, not yet engaged): they are not "
            "counted as existing pipeline; deals that start after the as-of date are in 'from new pipeline' "
            "(recent creation rate)."
        )
    return tuple(out)


def what_if_sentence(base: PipelineForecast, fc: PipelineForecast) -> str:
    """How losing the deals in `fc.lost_ids` moves P50 bookings (and the chance of the target) from `base`."""
    delta = fc.bookings.p50 - base.bookings.p50
    text = (
        f"Losing {len(fc.lost_ids)} deal(s) moves P50 bookings from {money(base.bookings.p50)} "
        f"to {money(fc.bookings.p50)} ({money(delta)})"
    )
    if fc.hit is not None:
        text += f" and the chance of the target from {base.hit.p:.0%} to {fc.hit.p:.0%}"
    return text + ". Same random numbers for everything else."


def calibration_note(fc: PipelineForecast) -> str:
    """What the forecast was calibrated on: closed deals, win rate, quarter rhythm and the swing beyond it."""
    calib = fc.calibration
    closed = int(calib.win_rates["won"].sum() + calib.win_rates["lost"].sum())
    m1, m2, m3 = calib.month_effects
    return (
        f"Calibrated on history up to {fc.as_of:%Y-%m-%d}: {closed:,} closed deals, "
        f"win rate {calib.overall_win_rate:.0%}. Quarter rhythm from {calib.volatility_months} past months: the 1st, "
        f"2nd and 3rd month of a quarter win x{m1:.2f}, x{m2:.2f}, x{m3:.2f} of the average; swing of win chances "
        f"beyond that {calib.period_volatility(fc.period):.0%} (log-sd) for a {fc.period.kind}."
    )


def size_table(sizes: pd.DataFrame) -> pd.DataFrame:
    """Won deal size per product: count, median (exp of the log mean), mean and log-sd."""
    return sizes.assign(median=lambda d: np.exp(d["log_mean"]))[["product", "won", "median", "mean", "log_sd"]]


def backtest_sentences(scores: pd.DataFrame) -> tuple[str, ...]:
    """One line per period kind: how often P10-P90 held the actual bookings, and the P50 error beside the naive one."""
    return tuple(
        f"**Next {s.kind}, {s.origins} origins:** the P10-P90 range held the actual bookings **{s.coverage:.0%}** of "
        f"the time (goal about 80%); median error of P50 **{s.mdape:.0%}** (naive model: {s.naive_mdape:.0%}, "
        f"typically {'over' if s.naive_bias > 0 else 'under'} by {abs(s.naive_bias):.0%})."
        for s in scores.itertuples()
    )


def import_sentence(result: crm.ImportResult) -> str:
    """Rows imported of rows read, by status, the date format read, and how many rows were excluded or repaired."""
    opp = result.opportunities
    status = opp["status"].value_counts()
    return (
        f"Imported **{len(opp):,}** of {result.rows_read:,} rows: {status.get('open', 0):,} open, "
        f"{status.get('won', 0):,} won, {status.get('lost', 0):,} lost; dates read as {result.date_format}; "
        f"**{len(result.excluded):,} excluded**, {len(result.repaired):,} repaired."
    )
