"""Calibrate a funnel scenario from a CRM export (and an optional monthly marketing table), as of a date.

Nothing after the as-of date is used: the CRM export is replayed with simulate.pipeline.as_of_snapshot (deals
created later dropped, outcomes after the date hidden) and the monthly table is cut at the as-of month.

    cal = calibrate_plan(opportunities, as_of="2017-09-30")           # Opportunity -> Won from the CRM
    cal = calibrate_plan(opportunities, as_of, monthly=frame)         # + Visitors -> ... -> SQL from the table
    cal.scenario, cal.inputs (each with its Source), cal.messages

What is calibrated, and how (docs/plan.md has the details):
- win rate (Opportunity -> Won): history "won of n" over deals closed in the window (default the last 6 months),
  n scaled up by the share of deals that never close (the Kaplan-Meier plateau), so it is the chance a *created*
  deal is won; fewer than 30 closed deals: a message and a wide prior (a 90% range 5%-60%, or the few counts);
- sales cycle median and P90: from the Aalen-Johansen won curve (open deals censored), normalised to won deals;
- deal size median and P90: won amounts in the window (or `deal_size` when the export has no amounts);
- volume at the top: level (mean of the last 3 full months), growth (log-linear slope over the window, with at least
  12 months of history and only when it is at least 2 standard errors from 0, capped at +/-3% a month), seasonality (flat below 24 months of history), month-to-month
  noise beyond Poisson; or the forecast module's sample paths (`volume="forecast"`) with its backtest verdict;
- team: reps from the owner column, tenure from their first deal, productivity spread from their won deals.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from simulate.pipeline import WON, Calibration, Snapshot, as_of_snapshot, calibrate, export_date
from simulate.plan.sources import CalibratedInput, PlanInputError, Source, window_text
from simulate.scenario import (
    CycleLength,
    DealSize,
    LeadVolume,
    Rate,
    RepGroup,
    Scenario,
    ScenarioError,
    Stage,
    Target,
    TeamPlan,
)

WINDOW_MONTHS = 6  # closed deals behind the rates, deal size and growth
LEVEL_MONTHS = 3  # full months averaged for the volume level
MIN_CLOSED = 30  # fewer closed deals in the window: a message and a wide prior
WIDE_PRIOR = (0.05, 0.60)  # 90% range of the win rate when the data is too thin
MIN_SEASONAL_MONTHS = 24
MAX_GROWTH = 0.03  # +/-3% a month (about +/-40% a year): a recent swing is not extrapolated as a trend
MIN_TREND_MONTHS = 12  # a slope from less than a year cannot be told from a ramp-up (e.g. CRM adoption)
MAX_PLAN_MONTHS = 24
VOLUME_METHODS = ("trend", "forecast")
# Top-of-funnel stages from the monthly table: (stage name, column); each rate is column k of column k-1.
MONTHLY_STAGES = (("Visitors", "visitors"), ("Leads", "leads"), ("MQL", "mqls"), ("SQL", "sqls"))


@dataclass(frozen=True)
class PlanCalibration:
    """The calibrated scenario, every input with its source, and what the plan's Monte Carlo needs."""

    as_of: pd.Timestamp
    data_range: tuple[pd.Timestamp, pd.Timestamp]  # first created date, export date
    first_month: pd.Period  # first plan month (the month of as_of + 1 day)
    first_fraction: float  # share of the first plan month that lies after as_of (1 at a month-end)
    scenario: Scenario  # stages, cycle, deal size, volume (level/growth/seasonality), target, team
    inputs: tuple[CalibratedInput, ...]
    messages: tuple[str, ...]
    snapshot: Snapshot
    pipeline: Calibration  # win rates by product, close curves, sizes, quarter rhythm (existing pipeline)
    booked_so_far: float  # won in the first plan month on or before as_of
    won_so_far: int
    history: pd.DataFrame  # month, created, won, bookings (full months up to as_of)
    reps: pd.DataFrame | None = None  # owner, first_deal, tenure_months, won, bookings, created_share
    volume_paths: np.ndarray | None = field(default=None, repr=False)  # months x paths (volume="forecast")
    volume_verdict: str = ""
    notes: tuple[str, ...] = ()  # what the plan counts how (e.g. open deals without a created date)

    def input(self, key: str) -> CalibratedInput:
        for item in self.inputs:
            if item.key == key:
                return item
        raise KeyError(key)

    def table(self) -> pd.DataFrame:
        """One row per calibrated input: input, value, source (for the page and reports)."""
        return pd.DataFrame(
            [{"input": i.label, "value": i.text, "source": i.source.describe(), "key": i.key} for i in self.inputs]
        )

    def to_dict(self) -> dict:
        """The CLI's `calibrate` JSON: the scenario plus every value's source and the messages."""
        return {
            "as_of": f"{self.as_of:%Y-%m-%d}",
            "data_range": [f"{d:%Y-%m-%d}" for d in self.data_range],
            "first_month": str(self.first_month),
            "scenario": self.scenario.to_dict(),
            "sources": [i.to_dict() for i in self.inputs],
            "messages": list(self.messages),
            "volume_verdict": self.volume_verdict,
            "notes": list(self.notes),
        }


def calibrate_plan(
    opportunities: pd.DataFrame,
    as_of: pd.Timestamp | str,
    monthly: pd.DataFrame | None = None,
    window_months: int = WINDOW_MONTHS,
    deal_size: tuple[float, float] | None = None,
    volume: str = "trend",
    seed: int = 0,
) -> PlanCalibration:
    """Calibrate the plan's scenario from the CRM export (tidy frame from crm.load_opportunities) as of a date.

    monthly: the scorecard's monthly table (kpi.tables.read_monthly(...).frame) or None.
    deal_size: (median, P90) to use when the export has no won amounts (or to replace them).
    volume: "trend" (level, growth, seasonality, noise) or "forecast" (the forecast module's sample paths).
    Raises PlanInputError (field, message) when the data cannot support a plan as asked.
    """
    if volume not in VOLUME_METHODS:
        raise PlanInputError("volume", f"volume must be trend or forecast (got {volume!r})")
    if not 1 <= int(window_months) <= 36:
        raise PlanInputError("window_months", f"the window must be 1-36 months (got {window_months})")
    if opportunities is None or len(opportunities) == 0:
        raise PlanInputError("opportunities", "the CRM export has no usable opportunities")
    created = opportunities["created_date"].dropna()
    if created.empty:
        raise PlanInputError("created_date", "no created dates in the export: map the created date column")
    first, last = pd.Timestamp(created.min()).normalize(), export_date(opportunities)
    as_of = _as_of(as_of, first, last)
    messages: list[str] = []
    opportunities = _with_given_sizes(opportunities, as_of, deal_size)
    snap = as_of_snapshot(opportunities, as_of)
    closed = snap.closed
    # the window: the last `window_months` whole months before the first plan month (plus its part up to as_of)
    win_start = ((as_of + pd.Timedelta(days=1)).to_period("M") - int(window_months)).start_time.normalize()
    recent = closed[closed["close_date"] >= win_start]
    try:
        pipe = calibrate(snap, segment="product")
    except ScenarioError as exc:
        raise PlanInputError("opportunities", exc.message) from None
    if deal_size is not None:
        pipe = replace(pipe, sizes=_size_table(pipe.sizes, *deal_size))

    first_month = (as_of + pd.Timedelta(days=1)).to_period("M")
    days_in = first_month.days_in_month
    first_fraction = float((first_month.end_time.normalize() - as_of).days) / days_in
    if first_fraction >= 1.0 - 1e-9:
        first_fraction = 1.0
    history = monthly_history(snap, first_month)
    inputs: list[CalibratedInput] = []

    rate, rate_input = _win_rate(recent, pipe, win_start, as_of, messages)
    inputs.append(rate_input)
    cycle, cycle_inputs = _cycle(snap, pipe, as_of)
    inputs += cycle_inputs
    size, size_inputs = _deal_size(recent, closed, win_start, as_of, deal_size, messages)
    inputs += size_inputs

    stages: list[Stage] = [Stage("Opportunity"), Stage("Won", rate)]
    top_history = history.set_index("month")["created"]
    top_label, top_data = "Opportunities created", "CRM export"
    if monthly is not None:
        top_stages, top_inputs, visitors = _monthly_stages(monthly, first_month, int(window_months), messages)
        if top_stages:
            top_history = visitors
            stages = [*top_stages, Stage("Won", rate)]
            inputs = [*top_inputs, *inputs]
            top_label, top_data = "Visitors", "monthly table"
    lead_volume, volume_inputs = _volume(top_history, first_month, int(window_months), top_label, top_data, messages)
    inputs += volume_inputs

    paths, verdict = None, ""
    if volume == "forecast":
        paths, verdict = _forecast_paths(top_history, seed, messages)
        inputs.append(
            CalibratedInput(
                "volume_forecast",
                f"{top_label}: forecast",
                float(paths.mean(axis=1)[0]) if paths is not None else float("nan"),
                "forecast sample paths" if paths is not None else "not used",
                Source(len(top_history), _months_text(top_history), verdict or "forecast module", top_data),
                overridable=False,
            )
        )

    reps, team, team_inputs = _team(snap, win_start, as_of, messages)
    inputs += team_inputs
    won_first = closed[(closed["outcome"] == WON) & (closed["close_date"] >= first_month.start_time)]
    target_value = _default_target(history)
    inputs.append(
        CalibratedInput(
            "target",
            "Target (bookings per quarter)",
            target_value,
            f"{target_value:,.0f}",
            Source(
                min(3, len(history)),
                _months_text(history.set_index("month")["bookings"].tail(3)),
                "bookings of the last 3 full months",
            ),
        )
    )
    scenario = Scenario(
        name=f"Calibrated from the CRM as of {as_of:%Y-%m-%d}",
        start_month=str(first_month),
        horizon_months=MAX_PLAN_MONTHS,
        stages=tuple(stages),
        volume=lead_volume,
        cycle=cycle,
        deal_size=size,
        target=Target("revenue", target_value, "quarter", 1),
        team=team,
    )
    return PlanCalibration(
        as_of=as_of,
        data_range=(first, last),
        first_month=first_month,
        first_fraction=first_fraction,
        scenario=scenario,
        inputs=tuple(inputs),
        messages=tuple(messages),
        snapshot=snap,
        pipeline=pipe,
        booked_so_far=float(won_first["amount"].fillna(0).sum()),
        won_so_far=int(len(won_first)),
        history=history,
        reps=reps,
        volume_paths=paths,
        volume_verdict=verdict,
        notes=_notes(snap),
    )


def _notes(snap: Snapshot) -> tuple[str, ...]:
    """Open deals the plan does not count as open pipeline, and why (nothing is left out without a line)."""
    undated = int((~snap.open["age_known"]).sum())
    dated = int(snap.open["age_known"].sum())
    notes = [f"{dated:,} deals open on {snap.as_of:%Y-%m-%d} are the open pipeline."]
    if undated:
        notes.append(
            f"{undated:,} open deals have no created date (e.g. not yet engaged): they are not open pipeline; when they "
            "become opportunities they are part of the new volume, which the plan forecasts from past months."
        )
    return tuple(notes)


def missing_amounts_message(report: pd.DataFrame, opportunities: pd.DataFrame) -> str | None:
    """When the import left out every won deal for a missing amount: what happened and what to do; else None."""
    if report is None or len(report) == 0 or (opportunities["status"] == "won").any():
        return None
    dropped = int(report["reason"].astype(str).str.contains("won deal with missing amount").sum())
    if not dropped:
        return None
    return (
        f"the export has no amounts on won deals ({dropped:,} won deals left out by the import): map the amount "
        "column; without amounts the deal size must be given and the import must keep won deals without an amount"
    )


# --- pieces ------------------------------------------------------------------------------------------
def _with_given_sizes(opportunities: pd.DataFrame, as_of: pd.Timestamp, deal_size) -> pd.DataFrame:
    """Without won amounts before as_of a deal size must be given; then won deals carry its median (the pipeline
    model's size table is replaced by the given lognormal afterwards)."""
    won = opportunities["status"].eq("won") & opportunities["close_date"].le(as_of)
    has_amounts = bool((opportunities.loc[won, "amount"] > 0).sum() >= 2)
    if has_amounts:
        return opportunities
    if deal_size is None:
        raise PlanInputError(
            "deal_size",
            "the export has no amounts on won deals: give the deal size (median and P90), "
            "e.g. --deal-size 2500:6000 on the command line or in the deal size fields on the page",
        )
    out = opportunities.copy()
    out.loc[won, "amount"] = float(deal_size[0])
    return out


def _size_table(table: pd.DataFrame, median: float, p90: float) -> pd.DataFrame:
    """The pipeline model's per-product size table with every row set to the given lognormal."""
    from simulate.funnel import lognormal_params

    mu, sd = lognormal_params(float(median), float(max(p90, median)))
    return table.assign(log_mean=mu, log_sd=sd, mean=float(np.exp(mu + sd**2 / 2)))


def _as_of(as_of, first: pd.Timestamp, last: pd.Timestamp) -> pd.Timestamp:
    try:
        day = pd.Timestamp(as_of).normalize()
    except (ValueError, TypeError):
        raise PlanInputError("as_of", f"the as-of date must be a date YYYY-MM-DD (got {as_of!r})") from None
    if day < first or day > last:
        raise PlanInputError(
            "as_of",
            f"the as-of date {day:%Y-%m-%d} is outside the data, which runs from {first:%Y-%m-%d} to {last:%Y-%m-%d}; "
            "pick a date in that range",
        )
    return day


def monthly_history(snap: Snapshot, first_month: pd.Period) -> pd.DataFrame:
    """Full months before the first plan month: opportunities created, won deals and bookings (by close)."""
    deals = snap.deals
    dated = deals["created_date"].dropna()
    if dated.empty:
        return pd.DataFrame(columns=["month", "created", "won", "bookings"])
    months = pd.period_range(dated.min().to_period("M"), first_month - 1, freq="M")
    created = dated.dt.to_period("M").value_counts()
    won = deals[deals["outcome"] == WON]
    won_month = won["close_date"].dt.to_period("M")
    frame = pd.DataFrame(
        {
            "month": months,
            "created": [int(created.get(m, 0)) for m in months],
            "won": [int((won_month == m).sum()) for m in months],
            "bookings": [float(won.loc[won_month == m, "amount"].fillna(0).sum()) for m in months],
        }
    )
    return frame


def _win_rate(recent, pipe: Calibration, start, as_of, messages) -> tuple[Rate, CalibratedInput]:
    won = int((recent["outcome"] == WON).sum())
    n_closed = len(recent)
    never = float(pipe.curves.survival[-1]) if len(pipe.curves.survival) else 0.0
    never = min(max(never, 0.0), 0.9)
    window = window_text("deals closed", start, as_of)
    if n_closed < MIN_CLOSED:
        messages.append(
            f"Only {n_closed} closed deals in the window ({window}): the win rate falls back to a wide prior "
            f"({WIDE_PRIOR[0]:.0%}-{WIDE_PRIOR[1]:.0%}, 90% range)"
            + (" combined with the few counts" if n_closed else "")
            + "; widen the window or use a later as-of date for a rate from your data."
        )
        if n_closed == 0:
            rate = Rate.range(*WIDE_PRIOR)
            text = rate.describe()
        else:
            rate = Rate.history(won, n_closed)
            text = f"{won} of {n_closed} (wide: few deals)"
        return rate, CalibratedInput(
            "win_rate",
            "Win rate (Opportunity -> Won)",
            rate.mean(),
            text,
            Source(n_closed, window, "too few closed deals: wide prior"),
        )
    trials = int(round(n_closed / (1.0 - never)))
    rate = Rate.history(won, trials)
    method = (
        f"won of closed, n scaled by 1/(1 - {never:.1%}) for deals that never close (Kaplan-Meier plateau); "
        "Beta posterior"
    )
    return rate, CalibratedInput(
        "win_rate",
        "Win rate (Opportunity -> Won)",
        rate.mean(),
        f"{rate.mean():.1%} ({won:,} of {trials:,})",
        Source(n_closed, window, method),
    )


def won_cycle_quantiles(pipe: Calibration, probs=(0.5, 0.9)) -> list[float]:
    """Days from creation to a win at the given shares of eventual wins (censored won curve, normalised)."""
    curves = pipe.curves
    if len(curves.won) == 0 or curves.won[-1] <= 0:
        return [float("nan")] * len(probs)
    share = curves.won / curves.won[-1]
    return [float(curves.times[min(np.searchsorted(share, p - 1e-12), len(share) - 1)]) for p in probs]


def _cycle(snap: Snapshot, pipe: Calibration, as_of) -> tuple[CycleLength, list[CalibratedInput]]:
    median, p90 = won_cycle_quantiles(pipe)
    dated = snap.deals[snap.deals["age_known"]]
    start = dated["created_date"].min()
    src = Source(
        len(dated),
        window_text("deals created", start, as_of),
        "Aalen-Johansen won curve, open deals censored, normalised to won deals",
    )
    if not np.isfinite(median):
        default = CycleLength()
        return default, [
            CalibratedInput(
                "cycle_median",
                "Sales cycle median (days)",
                default.median_days,
                f"{default.median_days:.0f}",
                replace(src, data="typed default"),
            ),
            CalibratedInput(
                "cycle_p90",
                "Sales cycle P90 (days)",
                default.p90_days,
                f"{default.p90_days:.0f}",
                replace(src, data="typed default"),
            ),
        ]
    median = max(1.0, median)
    p90 = max(p90, median + 1.0)
    n_won = int((snap.closed["outcome"] == WON).sum())
    cycle = CycleLength(median, p90)
    if n_won >= 2:
        spread = 1.6449 * np.sqrt(0.25 / n_won)
        low, high = won_cycle_quantiles(pipe, (0.5 - spread, 0.5 + spread))
        low, high = min(low, median - 0.5), max(high, median + 0.5)  # whole days: at least +/- half a day
        if 0 < low < median < high:
            cycle = CycleLength(median, p90, max(low, 0.5), high)
            src = replace(
                src,
                method=f"{src.method}; the median's 90% range {cycle.median_low:.0f}-{high:.0f} days (drawn per trial)",
            )
    return cycle, [
        CalibratedInput("cycle_median", "Sales cycle median (days)", median, f"{median:.0f} days", src),
        CalibratedInput("cycle_p90", "Sales cycle P90 (days)", p90, f"{p90:.0f} days", src),
    ]


def _deal_size(recent, closed, start, as_of, given, messages) -> tuple[DealSize, list[CalibratedInput]]:
    if given is not None:
        median, p90 = float(given[0]), float(given[1])
        src = Source(0, "given", "typed by you", "your input")
    else:
        won = recent[(recent["outcome"] == WON) & (recent["amount"] > 0)]
        window = window_text("deals won", start, as_of)
        if len(won) < 2:
            won = closed[(closed["outcome"] == WON) & (closed["amount"] > 0)]
            window = window_text("deals won", closed["close_date"].min(), as_of) if len(won) else "none"
        if len(won) < 2:
            raise PlanInputError(
                "deal_size",
                "the export has no amounts on won deals: give the deal size (median and P90), "
                "e.g. --deal-size 2500:6000 on the command line or in the deal size fields on the page",
            )
        amounts = np.sort(won["amount"].to_numpy(float))
        median, p90 = float(np.median(amounts)), float(np.quantile(amounts, 0.9))
        low, high = median_range(amounts)
        src = Source(
            len(won),
            window,
            f"empirical median and 90th percentile of won amounts; the median's 90% range {low:,.0f}-{high:,.0f} "
            "from order statistics (drawn per trial)",
        )
    p90 = max(p90, median)
    size = DealSize(median, p90)
    if given is None and low < median < high:
        size = DealSize(median, p90, low, high)
    return size, [
        CalibratedInput("deal_median", "Deal size median", median, f"{median:,.0f}", src),
        CalibratedInput("deal_p90", "Deal size P90", p90, f"{p90:,.0f}", src),
    ]


def median_range(sorted_values: np.ndarray) -> tuple[float, float]:
    """Distribution-free 90% range of the median of n sorted values: the order statistics at ranks
    n/2 -/+ 1.645 sqrt(n)/2 (normal approximation to Binomial(n, 1/2))."""
    n = len(sorted_values)
    half = 1.6449 * np.sqrt(n) / 2
    lo = int(np.clip(np.floor(n / 2 - half), 0, n - 1))
    hi = int(np.clip(np.ceil(n / 2 + half), 0, n - 1))
    return float(sorted_values[lo]), float(sorted_values[hi])


def _months_text(series: pd.Series) -> str:
    if len(series) == 0:
        return "no full months"
    return f"months {series.index[0]} to {series.index[-1]}"


def _volume(history: pd.Series, first_month, window: int, label: str, data: str, messages):
    """Level, growth, seasonality and noise of the monthly volume at the top, from full months before as_of."""
    hist = history[history.index < first_month].astype(float)
    # drop leading months before the data really starts (first month with volume)
    nonzero = np.flatnonzero(hist.to_numpy() > 0)
    hist = hist.iloc[nonzero[0] :] if len(nonzero) else hist
    if len(hist) == 0 or hist.sum() <= 0:
        raise PlanInputError(
            "volume", f"no {label.lower()} in the months before the as-of date: volume cannot be learnt"
        )
    recent = hist.tail(window)
    level_part = hist.tail(LEVEL_MONTHS)
    growth, growth_note = 0.0, f"{len(hist)} months of history; a trend needs {MIN_TREND_MONTHS}: 0"
    if len(hist) >= MIN_TREND_MONTHS and (recent > 0).all():
        x = np.arange(len(recent), dtype=float)
        y = np.log(recent.to_numpy())
        slope, intercept = np.polyfit(x, y, 1)
        resid = y - (slope * x + intercept)
        se = float(np.sqrt(resid.var(ddof=2) / ((x - x.mean()) ** 2).sum()))
        if abs(slope) >= 2 * se:
            raw = float(np.expm1(slope))
            growth = float(np.clip(raw, -MAX_GROWTH, MAX_GROWTH))
            growth_note = f"log-linear slope {slope:+.3f} (standard error {se:.3f})"
            if growth != raw:
                growth_note += f", {raw:+.1%} a month capped at {growth:+.1%} (a steady trend, not a level shift)"
        else:
            growth_note = f"log-linear slope {slope:+.3f} within 2 standard errors ({se:.3f}) of 0: kept at 0"
    before = hist.iloc[-2 * LEVEL_MONTHS : -LEVEL_MONTHS]
    if len(before) == LEVEL_MONTHS and level_part.mean() < 0.7 * before.mean():
        messages.append(
            f"{label} in the last {LEVEL_MONTHS} months ({level_part.mean():,.0f} a month) are "
            f"{1 - level_part.mean() / before.mean():.0%} below the {LEVEL_MONTHS} months before: if recent deals are "
            "missing from the export or have no created date yet, the new pipeline is understated; check the export "
            "or override the volume."
        )
    # level for the first plan month: recent mean carried forward from the middle of the level months
    steps = (LEVEL_MONTHS + 1) / 2.0
    level = float(level_part.mean()) * (1.0 + growth) ** steps
    # noise beyond Poisson: spread of month / trend, less the Poisson part
    fitted = float(level_part.mean()) * (1.0 + growth) ** (np.arange(len(recent)) - (len(recent) - steps))
    ratio = recent.to_numpy() / np.maximum(fitted, 1e-9)
    extra = float(np.var(ratio, ddof=1) - np.mean(1.0 / np.maximum(fitted, 1e-9))) if len(recent) > 2 else 0.01
    od = float(np.clip(np.sqrt(max(extra, 0.0)), 0.02, 1.0))
    season = (1.0,) * 12
    season_note = f"flat: {len(hist)} months of history, seasonality needs {MIN_SEASONAL_MONTHS}"
    if len(hist) >= MIN_SEASONAL_MONTHS:
        frame = pd.DataFrame({"v": hist.to_numpy()}, index=hist.index)
        frame["m"] = [p.month for p in hist.index]
        frame["trend"] = frame["v"].rolling(12, center=True, min_periods=6).mean()
        idx = (frame["v"] / frame["trend"]).groupby(frame["m"]).mean().reindex(range(1, 13)).fillna(1.0)
        season = tuple(float(v) for v in (idx / idx.mean()).clip(0.05, 12))
        season_note = "mean of month / 12-month centred moving average"
    src_level = Source(
        len(level_part),
        _months_text(level_part),
        f"mean of the last {len(level_part)} full months, grown to the first plan month",
        data,
    )
    src_growth = Source(len(recent), _months_text(recent), growth_note, data)
    src_noise = Source(
        len(recent),
        _months_text(recent),
        "spread of months around the trend beyond Poisson (coefficient of variation)",
        data,
    )
    src_season = Source(len(hist), _months_text(hist), season_note, data)
    volume = LeadVolume(level=level, growth=growth, seasonality=season, overdispersion=od)
    return volume, [
        CalibratedInput("volume_level", f"{label} per month (level)", level, f"{level:,.0f}", src_level),
        CalibratedInput("volume_growth", "Growth per month", growth, f"{growth:+.1%}", src_growth),
        CalibratedInput("volume_noise", "Month-to-month noise", od, f"{od:.0%}", src_noise),
        CalibratedInput(
            "seasonality",
            "Seasonality",
            1.0,
            "flat" if len(set(season)) == 1 else "by calendar month",
            src_season,
            overridable=False,
        ),
    ]


def _monthly_stages(monthly: pd.DataFrame, first_month, window: int, messages):
    """Stages above Opportunity from the monthly table: rates as history sums over the window's months."""
    table = monthly.copy()
    table["period"] = pd.PeriodIndex(table["month"], freq="M")
    table = table[table["period"] < first_month].set_index("period").sort_index()
    columns = [c for _, c in MONTHLY_STAGES] + ["opportunities"]
    missing = [c for c in columns if c not in table.columns]
    if missing or table.empty:
        why = f"it lacks {', '.join(missing)}" if missing else "it has no month before the as-of date"
        messages.append(f"Monthly table not used for the top of the funnel: {why}.")
        return [], [], None
    recent = table.tail(window).dropna(subset=columns)
    if recent.empty:
        messages.append("Monthly table not used: no complete month in the window.")
        return [], [], None
    stages = [Stage(MONTHLY_STAGES[0][0])]
    inputs = []
    names = [n for n, _ in MONTHLY_STAGES] + ["Opportunity"]
    for k in range(1, len(columns)):
        won, of = int(recent[columns[k]].sum()), int(recent[columns[k - 1]].sum())
        if of <= 0:
            messages.append(f"Monthly table not used: no {columns[k - 1]} in the window.")
            return [], [], None
        if won > of:
            messages.append(
                f"Monthly table: {columns[k]} ({won:,}) exceed {columns[k - 1]} ({of:,}) in the window; rate capped at 100%."
            )
            won = of
        rate = Rate.history(won, of)
        label = f"{names[k - 1]} -> {names[k]}"
        item = CalibratedInput(
            f"rate_{columns[k]}",
            f"Conversion {label}",
            rate.mean(),
            f"{rate.mean():.1%} ({won:,} of {of:,})",
            Source(
                len(recent), _months_text(recent), f"sum of {columns[k]} over sum of {columns[k - 1]}", "monthly table"
            ),
        )
        stages.append(Stage(names[k], rate))
        inputs.append(item)
    return stages, inputs, table["visitors"].fillna(0)


def _forecast_paths(history: pd.Series, seed: int, messages) -> tuple[np.ndarray | None, str]:
    from forecast import ForecastInputError, forecast_with_backtest

    series = history.astype(float)
    series.index = series.index.to_timestamp()
    try:
        outcome = forecast_with_backtest(series, h=MAX_PLAN_MONTHS + 1, n_origins=2, step=2)
    except (ForecastInputError, ValueError) as exc:
        messages.append(f"The forecast of the volume could not be made ({exc}); the trend is used instead.")
        return None, ""
    paths = outcome.result.sample_paths(MAX_PLAN_MONTHS + 1, 2_000, seed)
    return np.maximum(paths, 0.0), f"{outcome.result.model_name}: {outcome.verdict}"


def _team(snap: Snapshot, start, as_of, messages):
    deals = snap.deals
    owners = deals["owner"].astype(str)
    named = owners[owners != "(no owner)"]
    if named.empty:
        messages.append(
            "The export has no owner column (or no owners): team calibration skipped; map the owner column to plan per rep."
        )
        return None, None, []
    dated = deals[owners != "(no owner)"]
    first_deal = dated.groupby("owner")["created_date"].min()
    recent = dated[dated["created_date"] >= start]
    won = dated[(dated["outcome"] == WON) & (dated["close_date"] >= start)]
    created_share = recent.groupby("owner").size() / max(len(recent), 1)
    reps = pd.DataFrame({"first_deal": first_deal})
    reps["tenure_months"] = ((as_of - reps["first_deal"]).dt.days / 30.4375).fillna(0).astype(int).clip(lower=0)
    reps["won"] = won.groupby("owner").size().reindex(reps.index).fillna(0).astype(int)
    reps["bookings"] = won.groupby("owner")["amount"].sum().reindex(reps.index).fillna(0.0)
    reps["created_share"] = created_share.reindex(reps.index).fillna(0.0)
    reps = reps.reset_index().rename(columns={"index": "owner"})
    months = max(1.0, (as_of - start).days / 30.4375)
    per_month = reps["won"] / months
    mean = float(per_month.mean())
    # spread between reps beyond Poisson: var(rate) - mean / months, as a coefficient of variation
    extra = float(per_month.var(ddof=1) - mean / months) if len(reps) > 1 else 0.0
    cv = float(np.clip(np.sqrt(max(extra, 0.0)) / mean, 0.0, 2.0)) if mean > 0 else 0.0
    groups = reps.groupby("tenure_months").size()
    current = tuple(RepGroup(int(n), int(t)) for t, n in groups.items())
    capacity = float(max(per_month.max() * 1.25, 0.1))
    quota = float(reps["bookings"].median() / months * 3) if reps["bookings"].sum() > 0 else 1.0
    try:
        team = TeamPlan(
            current_reps=current,
            hiring_plan=(),
            attrition_annual=0.0,
            productivity_spread=round(cv, 3),
            deals_per_rep_month=round(capacity, 2),
            routing="capacity",
            quota=max(round(quota, -2), 100.0),
        )
    except ScenarioError as exc:
        messages.append(f"Team calibration skipped: {exc.message}.")
        return reps, None, []
    window = window_text("deals", start, as_of)
    inputs = [
        CalibratedInput(
            "reps",
            "Reps (owners with deals)",
            float(len(reps)),
            f"{len(reps)}",
            Source(len(dated), window_text("deals created", dated["created_date"].min(), as_of), "distinct owners"),
            overridable=False,
        ),
        CalibratedInput(
            "tenure",
            "Median tenure (months)",
            float(reps["tenure_months"].median()),
            f"{reps['tenure_months'].median():.0f}",
            Source(len(reps), "first deal per owner", "months since each owner's first deal"),
            overridable=False,
        ),
        CalibratedInput(
            "productivity_spread",
            "Productivity spread between reps",
            cv,
            f"{cv:.0%}",
            Source(
                int(reps["won"].sum()),
                window,
                "coefficient of variation of won deals per rep-month, less Poisson noise",
            ),
            overridable=False,
        ),
    ]
    return reps, team, inputs


def _default_target(history: pd.DataFrame) -> float:
    last = history["bookings"].tail(3)
    value = float(last.sum()) if len(last) else 0.0
    return value if value > 0 else 1.0
