"""Which input matters most: tornado swings, contribution to variance, and goal-seek for any lever.

Tornado (one input at a time): every uncertain input is pinned at its P50; then one input at a time
is set to its P10 and to its P90, and the scenario is re-run with the same seed (common random
numbers). The bar is the change in P50 target-period revenue and in the chance of hitting the
target. "Uncertain inputs" are the ones drawn once per trial: each conversion rate given as a range
or as history, the median deal size and the median sales cycle when given as 90% ranges, and the lead
volume (its month-to-month noise or forecast paths, summarised by the trial's volume multiplier). What remains random in a pinned run is the per-deal luck (which deals
convert, when they close, what they are worth), which no input controls.

Contribution to variance (all inputs at once, Crystal Ball's method): the Spearman rank correlation
between each input's per-trial draw and the target-period outcome, from one ordinary run; the shares
are rho^2 / sum(rho^2), with the sign of rho.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kpi.wording import chance_in_10, count, format_value, money
from simulate.funnel import SimulationResult, chance_at_least, median_range_params, seek
from simulate.funnel import run as run_funnel
from simulate.scenario import CycleLength, DealSize, Rate, Scenario

VOLUME = "volume"
DEAL_SIZE = "deal_size"
DEAL_MEDIAN = "deal_median"  # the median deal size drawn from its 90% range
CYCLE_MEDIAN = "cycle_median"  # the median sales cycle (days) drawn from its 90% range
TORNADO_TRIALS = 10_000


def conversion_key(k: int) -> str:
    """Key of conversion k (0-based, k = stage index - 1), e.g. "conversion:2"."""
    return f"conversion:{k}"


@dataclass(frozen=True)
class UncertainInput:
    """An input drawn once per trial. Values are rates (conversions) or multipliers of planned volume."""

    key: str
    label: str
    p10: float
    p50: float
    p90: float

    def describe(self, value: float) -> str:
        if self.key == DEAL_MEDIAN:
            return money(value)
        if self.key == CYCLE_MEDIAN:
            return f"{value:.0f} days"
        return f"{value:.1%}" if self.key.startswith("conversion") else f"{value:.2f}x planned volume"


def _median_quantiles(low: float, high: float) -> tuple[float, float, float]:
    mu, sd = median_range_params(low, high)
    return tuple(float(np.exp(mu + sd * stats.norm.ppf(q))) for q in (0.1, 0.5, 0.9))  # type: ignore[return-value]


def uncertain_inputs(scenario: Scenario, base: SimulationResult | None = None) -> list[UncertainInput]:
    """Uncertain conversions (quantiles of their distributions) and, when it varies, the volume multiplier."""
    found = []
    for k, rate in enumerate(scenario.conversions):
        if rate.is_uncertain:
            p10, p50, p90 = (rate.quantile(q) for q in (0.1, 0.5, 0.9))
            found.append(UncertainInput(conversion_key(k), f"{scenario.conversion_label(k)} conversion", p10, p50, p90))
    d, c = scenario.deal_size, scenario.cycle
    if d.is_uncertain:
        found.append(UncertainInput(DEAL_MEDIAN, "Median deal size", *_median_quantiles(d.median_low, d.median_high)))
    if c.is_uncertain:
        found.append(UncertainInput(CYCLE_MEDIAN, "Median sales cycle", *_median_quantiles(c.median_low, c.median_high)))
    if base is not None and np.ptp(base.volume_factor) > 1e-9:
        p10, p50, p90 = np.percentile(base.volume_factor, [10, 50, 90])
        found.append(UncertainInput(VOLUME, "Lead volume", float(p10), float(p50), float(p90)))
    return found


def with_input(scenario: Scenario, key: str, value: float) -> Scenario:
    """The scenario with one input fixed at `value` (a rate, or a multiplier of planned volume with no noise)."""
    if key == VOLUME:
        volume = scenario.volume
        if volume.forecast_paths is not None:
            mean_path = np.asarray(volume.forecast_paths, dtype=float).mean(axis=1, keepdims=True)
            return scenario.with_volume_paths(mean_path * value, volume.forecast_label)
        return scenario.replace(volume=dataclasses.replace(volume, level=volume.level * value, overdispersion=0.0))
    if key == DEAL_MEDIAN:  # a certain median at `value`, same P90/median ratio
        d = scenario.deal_size
        return scenario.replace(deal_size=DealSize(float(value), float(value) * d.p90 / d.median))
    if key == CYCLE_MEDIAN:
        c = scenario.cycle
        return scenario.replace(cycle=CycleLength(float(value), float(value) * c.p90_days / c.median_days))
    k = int(key.split(":")[1])
    stages = list(scenario.stages)
    stages[k + 1] = dataclasses.replace(stages[k + 1], conversion=Rate.point(float(value)))
    return scenario.replace(stages=tuple(stages))


def pinned(
    scenario: Scenario, inputs: list[UncertainInput], except_key: str | None = None, value: float | None = None
) -> Scenario:
    """Every uncertain input at its P50, except `except_key` at `value`."""
    out = scenario
    for item in inputs:
        out = with_input(out, item.key, value if item.key == except_key else item.p50)
    return out


@dataclass(frozen=True)
class TornadoBar:
    key: str
    label: str
    low_value: float  # the input at its P10
    high_value: float  # the input at its P90
    p50_low: float  # P50 target-period revenue with the input at P10 (currency)
    p50_high: float
    hit_low: float  # chance of hitting the target with the input at P10
    hit_high: float

    @property
    def swing(self) -> float:
        return abs(self.p50_high - self.p50_low)


@dataclass(frozen=True)
class Tornado:
    base_p50: float  # P50 target-period revenue with every uncertain input at its P50
    base_hit: float
    hit_mc_se: float  # Monte Carlo standard error of a chance of hitting (largest over the runs)
    trials: int
    seed: int
    bars: list[TornadoBar]  # largest revenue swing first

    def frame(self) -> pd.DataFrame:
        """One row per input, with the changes from the base (for charts and exports)."""
        rows = [
            {
                **dataclasses.asdict(bar),
                "swing": bar.swing,
                "p50_low_change": bar.p50_low - self.base_p50,
                "p50_high_change": bar.p50_high - self.base_p50,
                "hit_low_change": bar.hit_low - self.base_hit,
                "hit_high_change": bar.hit_high - self.base_hit,
            }
            for bar in self.bars
        ]
        return pd.DataFrame(
            rows,
            columns=[
                *(f.name for f in dataclasses.fields(TornadoBar)),
                "swing",
                "p50_low_change",
                "p50_high_change",
                "hit_low_change",
                "hit_high_change",
            ],
        )


def _headline(result: SimulationResult) -> tuple[float, float, float]:
    hit = chance_at_least(result.period_metric(), result.scenario.target.value)
    return float(np.percentile(result.period_revenue(), 50)), hit.p, hit.mc_se


def tornado(
    scenario: Scenario, *, trials: int | None = None, seed: int | None = None, base: SimulationResult | None = None
) -> Tornado:
    """Swing each uncertain input P10 -> P90 with the others at P50 (same seed for every run)."""
    trials = int(trials if trials is not None else min(scenario.trials, TORNADO_TRIALS))
    seed = int(seed if seed is not None else scenario.seed)
    base = base if base is not None else run_funnel(scenario, trials=trials, seed=seed, stage_trials=0)
    inputs = uncertain_inputs(scenario, base)
    base_p50, base_hit, se = _headline(run_funnel(pinned(scenario, inputs), trials=trials, seed=seed, stage_trials=0))
    ses = [se]
    bars = []
    for item in inputs:
        low_p50, low_hit, low_se = _headline(
            run_funnel(pinned(scenario, inputs, item.key, item.p10), trials=trials, seed=seed, stage_trials=0)
        )
        high_p50, high_hit, high_se = _headline(
            run_funnel(pinned(scenario, inputs, item.key, item.p90), trials=trials, seed=seed, stage_trials=0)
        )
        ses += [low_se, high_se]
        bars.append(TornadoBar(item.key, item.label, item.p10, item.p90, low_p50, high_p50, low_hit, high_hit))
    bars.sort(key=lambda bar: -bar.swing)
    return Tornado(base_p50, base_hit, max(ses), trials, seed, bars)


def contribution_to_variance(result: SimulationResult) -> pd.DataFrame:
    """Per uncertain input: Spearman rank correlation with the target-period outcome and its share of variance.

    Columns: key, label, rank_correlation, contribution (signed share; absolute values sum to 1).
    """
    scenario = result.scenario
    outcome = result.period_metric()
    columns: list[tuple[str, str, np.ndarray]] = []
    for k, rate in enumerate(scenario.conversions):
        if rate.is_uncertain:
            columns.append((conversion_key(k), f"{scenario.conversion_label(k)} conversion", result.rates[:, k]))
    if scenario.deal_size.is_uncertain and result.deal_median is not None:
        columns.append((DEAL_MEDIAN, "Median deal size", result.deal_median))
    if scenario.cycle.is_uncertain and result.cycle_median is not None:
        columns.append((CYCLE_MEDIAN, "Median sales cycle", result.cycle_median))
    if np.ptp(result.volume_factor) > 1e-9:
        columns.append((VOLUME, "Lead volume", result.volume_factor))
    rows = []
    for key, label, draws in columns:
        rho = float(stats.spearmanr(draws, outcome).statistic) if np.ptp(outcome) > 0 else 0.0
        rows.append({"key": key, "label": label, "rank_correlation": rho})
    frame = pd.DataFrame(rows, columns=["key", "label", "rank_correlation"])
    total = float((frame["rank_correlation"] ** 2).sum())
    frame["contribution"] = (
        np.sign(frame["rank_correlation"]) * frame["rank_correlation"] ** 2 / total if total > 0 else 0.0
    )
    return frame.reindex(frame["contribution"].abs().sort_values(ascending=False).index).reset_index(drop=True)


# --- goal-seek for any lever ----------------------------------------------------------------------
def levers(scenario: Scenario) -> list[tuple[str, str]]:
    """(key, label) of every lever goal-seek can move."""
    found = [
        (VOLUME, "Lead volume"),
        *((conversion_key(k), f"{scenario.conversion_label(k)} conversion") for k in range(len(scenario.conversions))),
    ]
    if scenario.target.metric == "revenue":
        found.append((DEAL_SIZE, "Deal size"))
    return found


@dataclass(frozen=True)
class LeverAnswer:
    key: str
    label: str
    confidence: float
    value: float | None  # required rate (conversions) or multiplier (volume, deal size); None if unreachable
    current: float
    sentence: str


def seek_lever(result: SimulationResult, key: str, confidence: float) -> LeverAnswer:
    """The value of one lever that hits the target with `confidence` (simulate.funnel.seek, common random numbers)."""
    scenario = result.scenario
    labels = dict(levers(scenario))
    if key not in labels:
        raise ValueError(f"unknown lever {key!r}; choose one of {', '.join(labels)}")
    if key.startswith("conversion"):
        answer = seek(result, "conversion", confidence, stage=int(key.split(":")[1]))
    else:
        answer = seek(result, key, confidence)
    target = format_value(scenario.target.value, scenario.target.metric)
    odds = f"{chance_in_10(confidence)} chance"
    odds = f"{'an' if odds.startswith('8') else 'a'} {odds}"
    label = labels[key]
    if answer.value is None:
        sentence = f"{label} alone cannot reach the {target} target with {odds}: {answer.message}."
    elif key == VOLUME:
        sentence = (
            f"Lead volume must be {answer.value:.2f}x plan (about {count(scenario.volume.level * answer.value)} a month at the start) "
            f"for {odds} of the {target} target."
        )
    elif key == DEAL_SIZE:
        sentence = (
            f"The median deal must be {answer.value:.2f}x today's ({money(scenario.deal_size.median * answer.value)}) "
            f"for {odds} of the {target} target."
        )
    else:
        sentence = (
            f"{label} must be {answer.value:.1%} (now about {answer.current:.1%}) for {odds} of the {target} target."
        )
    return LeverAnswer(key, label, confidence, answer.value, answer.current, sentence)
