"""Two to four scenarios side by side, run with the same seed and trials (common random numbers).

Every scenario is simulated with one seed, so trial i of each sees the same draws where the
scenarios share structure: the same uniforms for the conversion rates, the same volume noise, the same
uniforms for each trial-month's won-deal count (inverted, so more expected deals never give fewer) and the
same sequence of deal sizes (the seed's deal pool): per-deal luck is shared too (simulate/funnel/deals.py).
Deltas are then paired per trial, and the Monte Carlo error of a delta is the spread of the paired
differences, std(B_i - A_i) / sqrt(n), not sqrt(var A + var B) / sqrt(n) as with independent streams.
Both are reported so the saving is visible. Only aggregates leave this module.

The headline delta is the change in *expected* period revenue given each trial's drawn inputs
(expected_period_revenue): unbiased for the change in mean revenue, and its paired Monte Carlo error is a
small fraction of the independent-streams error; the simulated revenue delta is paired too, and with
per-deal luck shared its scatter is several times smaller than with independent streams
(tests/unit/test_compare.py, bench/compare_four.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.wording import money
from simulate.funnel import FunnelSummary, SimulationResult, funnel_summary, lognormal_params, monthly_bands
from simulate.funnel import run as run_funnel
from simulate.scenario import SECTIONS, Scenario

LETTERS = "ABCD"
MIN_SCENARIOS, MAX_SCENARIOS = 2, 4


@dataclass(frozen=True)
class Comparison:
    """Aggregates for 2-4 scenarios; `labels` are "A: Base plan", "B: Hire 5 more", ..."""

    labels: list[str]
    scenarios: list[Scenario]
    trials: int
    seed: int
    headlines: list[FunnelSummary]
    inputs: pd.DataFrame  # input, one column per label, differs
    deltas: pd.DataFrame  # one row per scenario after A (see _delta_row)
    revenue_bands: pd.DataFrame  # long: scenario, month, order, p10, p25, p50, p75, p90, mean
    histograms: pd.DataFrame  # long: scenario, bin_start, bin_end, share (common bins, target metric)

    def headline_table(self) -> pd.DataFrame:
        """One row per scenario: P10/P50/P90 revenue and won deals, chance of hitting its target."""
        rows = []
        for label, head in zip(self.labels, self.headlines, strict=True):
            rows.append(
                {
                    "scenario": label,
                    "revenue_p10": head.revenue.p10,
                    "revenue_p50": head.revenue.p50,
                    "revenue_p90": head.revenue.p90,
                    "revenue_mean": head.revenue.mean,
                    "won_deals_p50": head.won_deals.p50,
                    "won_deals_mean": head.won_deals.mean,
                    "p_hit_target": head.hit.p,
                    "p_hit_target_mc_se": head.hit.mc_se,
                    "target": head.target_value,
                }
            )
        return pd.DataFrame(rows)


def _label(k: int, scenario: Scenario) -> str:
    return f"{LETTERS[k]}: {scenario.name}"


def compare(scenarios: list[Scenario], *, trials: int | None = None, seed: int | None = None) -> Comparison:
    """Simulate each scenario with the same trials and seed (A's unless given) and pair the outcomes."""
    if not MIN_SCENARIOS <= len(scenarios) <= MAX_SCENARIOS:
        raise ValueError(f"compare two to four scenarios (got {len(scenarios)})")
    trials = int(trials if trials is not None else scenarios[0].trials)
    seed = int(seed if seed is not None else scenarios[0].seed)
    labels = [_label(k, s) for k, s in enumerate(scenarios)]
    results = [run_funnel(s, trials=trials, seed=seed, stage_trials=0) for s in scenarios]  # no funnel picture needed
    headlines = [funnel_summary(r) for r in results]
    revenue = [r.period_revenue() for r in results]
    metric = [r.period_metric() for r in results]
    deltas = pd.DataFrame(
        [
            _delta_row(labels[k], revenue[0], revenue[k], metric[0], metric[k], results[0], results[k])
            for k in range(1, len(results))
        ]
    )
    bands = pd.concat(
        [monthly_bands(r.revenue, r.months).assign(scenario=label) for label, r in zip(labels, results, strict=True)],
        ignore_index=True,
    )
    return Comparison(
        labels,
        list(scenarios),
        trials,
        seed,
        headlines,
        input_table(scenarios, labels),
        deltas,
        bands,
        _common_histograms(labels, metric, integer=all(s.target.metric == "won_deals" for s in scenarios)),
    )


def _delta_row(
    label: str,
    rev_a: np.ndarray,
    rev_b: np.ndarray,
    met_a: np.ndarray,
    met_b: np.ndarray,
    res_a: SimulationResult,
    res_b: SimulationResult,
) -> dict:
    n = len(rev_a)
    diff = rev_b - rev_a
    beats = float(np.mean(met_b > met_a))
    ties = float(np.mean(met_b == met_a))
    hit_a = float(np.mean(met_a >= res_a.scenario.target.value))
    hit_b = float(np.mean(met_b >= res_b.scenario.target.value))
    return {
        "scenario": label,
        "revenue_p50_delta": float(np.median(rev_b) - np.median(rev_a)),
        "revenue_mean_delta": float(diff.mean()),
        "revenue_mean_delta_mc_se": float(diff.std(ddof=1) / np.sqrt(n)),
        "revenue_mean_delta_mc_se_independent": float(np.sqrt((rev_a.var(ddof=1) + rev_b.var(ddof=1)) / n)),
        "won_deals_mean_delta": float(res_b.period_won().mean() - res_a.period_won().mean()),
        "p_hit_target_delta": hit_b - hit_a,
        "p_b_beats_a": beats,
        "p_b_beats_a_mc_se": float(np.sqrt(max(beats * (1 - beats), 1e-12) / n)),
        "p_tie": ties,
        **_expected_delta(res_a, res_b),
    }


def expected_period_revenue(result: SimulationResult) -> np.ndarray:
    """Per trial, the expected target-period revenue given that trial's drawn inputs (rates, volume noise):
    the Poisson mean of its won deals times the mean deal. Averaging out per-deal luck leaves what the inputs
    decide, and those are the draws a shared seed makes common (conditional Monte Carlo)."""
    d = result.scenario.deal_size
    _, sigma = lognormal_params(d.median, d.p90)
    median = result.deal_median if result.deal_median is not None else d.median  # the trial's, when drawn
    return result.won_mean[:, result.period_slice()].sum(axis=1) * median * float(np.exp(sigma**2 / 2))


def _expected_delta(res_a: SimulationResult, res_b: SimulationResult) -> dict:
    """B - A in expected period revenue and won deals, with paired (shared seed) and independent-stream errors."""
    out = {}
    for name, a, b in (
        ("expected_revenue", expected_period_revenue(res_a), expected_period_revenue(res_b)),
        (
            "expected_won_deals",
            res_a.won_mean[:, res_a.period_slice()].sum(axis=1),
            res_b.won_mean[:, res_b.period_slice()].sum(axis=1),
        ),
    ):
        n = len(a)
        out[f"{name}_delta"] = float(np.mean(b - a))
        out[f"{name}_delta_mc_se"] = float(np.std(b - a, ddof=1) / np.sqrt(n))
        out[f"{name}_delta_mc_se_independent"] = float(np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / n))
    return out


def _common_histograms(labels: list[str], metric: list[np.ndarray], *, integer: bool, bins: int = 40) -> pd.DataFrame:
    lo = float(min(m.min() for m in metric))
    hi = float(max(m.max() for m in metric))
    if integer:
        width = max(1, int(np.ceil((hi - lo + 1) / bins)))
        edges = np.arange(np.floor(lo), hi + width + 1, width) - 0.5
    else:
        edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    frames = []
    for label, m in zip(labels, metric, strict=True):
        counts, _ = np.histogram(m, bins=edges)
        frames.append(
            pd.DataFrame({"scenario": label, "bin_start": edges[:-1], "bin_end": edges[1:], "share": counts / len(m)})
        )
    return pd.concat(frames, ignore_index=True)


# --- inputs side by side ------------------------------------------------------------------------
def describe_inputs(scenario: Scenario) -> dict[str, str]:
    """Every input of a scenario in plain words, keyed by a readable label (ordered as on the pages)."""
    v, c, d, t = scenario.volume, scenario.cycle, scenario.deal_size, scenario.target
    rows: dict[str, str] = {
        "Start month": scenario.start_month,
        "Horizon": f"{scenario.horizon_months} months",
        "Funnel stages": " > ".join(scenario.stage_names),
    }
    for k, rate in enumerate(scenario.conversions):
        rows[f"Conversion {scenario.conversion_label(k)}"] = rate.describe()
    if v.forecast_paths is not None:
        rows["Volume"] = f"forecast: {v.forecast_label or 'sample paths'} ({len(v.forecast_paths[0])} paths)"
    else:
        rows["Volume (first month)"] = f"{v.level:,.0f} a month"
        rows["Volume growth"] = f"{v.growth:+.1%} a month"
        season = np.asarray(v.seasonality, dtype=float)
        rows["Seasonality"] = "flat" if np.ptp(season) == 0 else ", ".join(f"{x:g}" for x in season)
        rows["Month-to-month noise"] = f"{v.overdispersion:.0%}"
    rows["Sales cycle"] = f"median {c.median_days:g} days, P90 {c.p90_days:g} days" + (
        f" (median 90% range {c.median_low:g}-{c.median_high:g} days)" if c.is_uncertain else ""
    )
    rows["Deal size"] = f"median {money(d.median)}, P90 {money(d.p90)}" + (
        f" (median 90% range {money(d.median_low)}-{money(d.median_high)})" if d.is_uncertain else ""
    )
    value = money(t.value) if t.metric == "revenue" else f"{t.value:,.0f} won deals"
    rows["Target"] = f"{value} in {scenario.target_period_label()}"
    rows["Sampling"] = "Latin hypercube" if scenario.sampling == "lhs" else "plain"
    rows["Trials (own setting)"] = f"{scenario.trials:,}"
    rows["Seed (own setting)"] = str(scenario.seed)
    for key in SECTIONS:
        section = getattr(scenario, key)
        if section is not None:
            for path, item in _flatten(section.to_dict(), key).items():
                rows[_readable(path)] = item
    return rows


def _readable(path: str) -> str:
    """ "team.current_reps[1].count" -> "Team: current reps 1, count"."""
    section, _, rest = path.partition(".")
    rest = rest.replace("_", " ").replace("[", " ").replace("]", "").replace(".", ", ")
    return f"{section.capitalize()}: {rest}" if rest else section.capitalize()


def _flatten(data: object, prefix: str) -> dict[str, str]:
    if isinstance(data, dict):
        out: dict[str, str] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}.{key}"))
        return out
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        out = {}
        for k, item in enumerate(data):
            name = item.get("name", k + 1) if isinstance(item, dict) else k + 1
            out.update(_flatten(item, f"{prefix}[{name}]"))
        return out
    return {prefix: json.dumps(data) if isinstance(data, (list, dict)) else str(data)}


def input_table(scenarios: list[Scenario], labels: list[str]) -> pd.DataFrame:
    """Rows: inputs; columns: `input`, one per scenario label, `differs` (True where they are not all equal)."""
    described = [describe_inputs(s) for s in scenarios]
    order: list[str] = []
    for d in described:
        order += [key for key in d if key not in order]
    frame = pd.DataFrame(
        {
            "input": order,
            **{label: [d.get(key, "-") for key in order] for label, d in zip(labels, described, strict=True)},
        }
    )
    frame["differs"] = frame[labels].nunique(axis=1) > 1
    return frame
