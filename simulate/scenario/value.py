"""Scenario parameters: immutable values, validated on construction, round-tripping to JSON.

A scenario is everything the simulator needs (funnel, volume, cycle, deal size, target, seed).
It can be saved, put in a URL, diffed and used as a cache key. Units: months for time on the
calendar, days for cycle length, currency for money, fractions (0-1) for rates.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulate.scenario.errors import ScenarioError, check_int, check_range
from simulate.scenario.rates import Rate
from simulate.scenario.safejson import load_json  # the one reader of untrusted JSON

SCHEMA_VERSION = 2  # 2: currency; optional 90% ranges on the deal-size and cycle medians
READABLE_SCHEMAS = (1, 2)  # schema-1 files (no currency, no ranges) load as USD with certain medians
MAX_HORIZON = 36
# The engine holds every trial's months in memory (about 0.5 KB per trial-month set); 1,000,000 trials
# stay under 2 GB with the longest horizon (bench/funnel_speed.py measures it). More is refused.
MAX_TRIALS = 1_000_000
MAX_DEAL_SPREAD = 20.0  # largest deal-size P90/median the engine is tested at (tests/unit/test_tails.py)
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Stage:
    """A funnel stage. `conversion` is the share of the previous stage that reaches this one."""

    name: str
    conversion: Rate | None = None


@dataclass(frozen=True)
class LeadVolume:
    """Volume entering the top of the funnel per month.

    level: expected volume in the first month of the horizon (before seasonality).
    growth: compound growth per month (0.05 = +5% a month).
    seasonality: 12 indices for Jan..Dec; scaled to average 1, so only their shape matters.
    overdispersion: month-to-month noise beyond Poisson, as a coefficient of variation of the
        month's expected volume (0 = pure Poisson; 0.1 = typical month within about +/-10%).
    forecast_paths: optional sample paths (months x paths) from a forecast; when given, each trial
        follows one path instead of level/growth/seasonality/overdispersion.
    forecast_label: where the paths came from, in plain words.
    """

    level: float = 40_000.0
    growth: float = 0.01
    seasonality: tuple[float, ...] = (1.0,) * 12
    overdispersion: float = 0.10
    forecast_paths: tuple[tuple[float, ...], ...] | None = None
    forecast_label: str = ""


@dataclass(frozen=True)
class CycleLength:
    """Days from entering the funnel to closing: right-skewed (lognormal) given median and P90.

    median_low / median_high: optional 90% range on the median itself (how sure we are of it). When
    given, each trial draws its median once from the lognormal whose 5th/95th percentiles are low and
    high, and keeps the P90/median ratio, so the whole cycle distribution stretches with it.
    """

    median_days: float = 75.0
    p90_days: float = 160.0
    median_low: float | None = None
    median_high: float | None = None

    @property
    def is_uncertain(self) -> bool:
        return self.median_low is not None


@dataclass(frozen=True)
class DealSize:
    """Value of a won deal: right-skewed (lognormal) given median and P90 (equal = every deal the same).

    median_low / median_high: optional 90% range on the median, drawn once per trial like the cycle's
    (lognormal with those 5th/95th percentiles; the P90/median ratio is kept).
    """

    median: float = 18_000.0
    p90: float = 45_000.0
    median_low: float | None = None
    median_high: float | None = None

    @property
    def is_uncertain(self) -> bool:
        return self.median_low is not None


TARGET_METRICS = ("revenue", "won_deals")
TARGET_PERIODS = ("month", "quarter", "horizon")


@dataclass(frozen=True)
class Target:
    """What the plan must reach. `index` is 1-based: month 3 or quarter 2 of the horizon."""

    metric: str = "revenue"
    value: float = 2_000_000.0
    period: str = "quarter"
    index: int = 3


DEFAULT_STAGES = (
    Stage("Visitors"),
    Stage("Leads", Rate.range(0.025, 0.035)),
    Stage("MQL", Rate.range(0.35, 0.45)),
    Stage("SQL", Rate.history(120, 340)),
    Stage("Opportunity", Rate.range(0.55, 0.68)),
    Stage("Won", Rate.range(0.20, 0.30)),
)


@dataclass(frozen=True)
class Scenario:
    """One what-if: the funnel, its volume, timing, deal value and target, plus the seed."""

    name: str = "Base plan"
    start_month: str = "2027-01"
    horizon_months: int = 24
    stages: tuple[Stage, ...] = DEFAULT_STAGES
    volume: LeadVolume = field(default_factory=LeadVolume)
    cycle: CycleLength = field(default_factory=CycleLength)
    deal_size: DealSize = field(default_factory=DealSize)
    target: Target = field(default_factory=Target)
    sampling: str = "lhs"
    trials: int = 10_000
    seed: int = 2026
    currency: str = "USD"  # ISO 4217 code of every money amount in the scenario
    # Optional sections owned by other modules (see SECTIONS): None when the scenario has none.
    team: Any = None
    economics: Any = None
    standards: Any = None

    def __post_init__(self) -> None:
        _validate(self)

    # --- derived ---------------------------------------------------------------------------
    @property
    def stage_names(self) -> list[str]:
        return [stage.name for stage in self.stages]

    @property
    def conversions(self) -> list[Rate]:
        return [stage.conversion for stage in self.stages[1:]]

    def conversion_label(self, k: int) -> str:
        """Plain label of conversion k (0-based), e.g. "MQL -> SQL"."""
        return f"{self.stages[k].name} -> {self.stages[k + 1].name}"

    def target_months(self) -> tuple[int, int]:
        """The target period as a half-open range of 0-based month offsets [start, stop)."""
        t = self.target
        if t.period == "month":
            return t.index - 1, t.index
        if t.period == "quarter":
            return 3 * (t.index - 1), 3 * t.index
        return 0, self.horizon_months

    def target_period_label(self) -> str:
        """E.g. "Q3 2027 (months 7-9)" or "Mar 2027" or "the 24 months Jan 2027 - Dec 2028"."""
        months = month_labels(self.start_month, self.horizon_months)
        start, stop = self.target_months()
        if self.target.period == "month":
            return months[start]
        if self.target.period == "quarter":
            return f"quarter {self.target.index} ({months[start]} - {months[stop - 1]})"
        return f"the {self.horizon_months} months {months[0]} - {months[-1]}"

    def replace(self, **changes: Any) -> Scenario:
        return dataclasses.replace(self, **changes)

    def with_volume_paths(self, paths: np.ndarray, label: str, start_month: str | None = None) -> Scenario:
        """Drive the top of the funnel from forecast sample paths (months x paths)."""
        array = np.asarray(paths, dtype=float)
        if array.ndim != 2:
            raise ScenarioError("volume.forecast_paths", "sample paths must be a 2-D array (months x paths)")
        rounded = tuple(tuple(round(float(v), 3) for v in row) for row in array)
        volume = dataclasses.replace(self.volume, forecast_paths=rounded, forecast_label=label)
        return self.replace(volume=volume, start_month=start_month or self.start_month)

    def without_volume_paths(self) -> Scenario:
        return self.replace(volume=dataclasses.replace(self.volume, forecast_paths=None, forecast_label=""))

    # --- JSON --------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        data = dataclasses.asdict(dataclasses.replace(self, team=None, economics=None, standards=None))
        for key in SECTIONS:
            value = getattr(self, key)
            data[key] = value.to_dict() if value is not None else None
        data["stages"] = [
            {"name": s.name, **({"conversion": s.conversion.to_dict()} if s.conversion else {})} for s in self.stages
        ]
        for key in ("cycle", "deal_size"):  # no range -> no keys, so links stay short
            for bound in ("median_low", "median_high"):
                if data[key][bound] is None:
                    del data[key][bound]
        data["volume"]["seasonality"] = list(self.volume.seasonality)
        if self.volume.forecast_paths is not None:
            data["volume"]["forecast_paths"] = [list(row) for row in self.volume.forecast_paths]
        return {"schema_version": SCHEMA_VERSION, **data}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: object) -> Scenario:
        return scenario_from_dict(data)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        return scenario_from_dict(load_json(text, "file").data)


# Optional scenario sections: field name -> "module:Class". Each class is a frozen dataclass that
# validates itself on construction, with to_dict() and a classmethod from_dict(data) raising
# ScenarioError (field names prefixed with the section name).
SECTIONS: dict[str, str] = {
    "team": "simulate.scenario.team:TeamPlan",
    "economics": "simulate.scenario.economics:EconomicsPlan",
    "standards": "simulate.scenario.standards:StandardSet",
}


def section_class(key: str) -> type:
    import importlib

    module, name = SECTIONS[key].split(":")
    return getattr(importlib.import_module(module), name)


def month_labels(start_month: str, count: int) -> list[str]:
    """["Jan 2027", "Feb 2027", ...] for `count` months from "YYYY-MM"."""
    year, month = int(start_month[:4]), int(start_month[5:7])
    labels = []
    for k in range(count):
        m = month - 1 + k
        labels.append(f"{MONTH_NAMES[m % 12]} {year + m // 12}")
    return labels


def start_month_index(start_month: str) -> int:
    """0-based calendar month (0 = January) of "YYYY-MM"."""
    return int(start_month[5:7]) - 1


# --- validation ------------------------------------------------------------------------------
def _validate(s: Scenario) -> None:
    if not isinstance(s.name, str) or not s.name.strip():
        raise ScenarioError("name", "the scenario needs a name")
    if len(s.name) > 120:
        raise ScenarioError("name", f"name must be at most 120 characters (got {len(s.name)})")
    match = MONTH_RE.match(str(s.start_month))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ScenarioError("start_month", f"start month must look like 2027-01 (got {s.start_month!r})")
    check_int("horizon_months", s.horizon_months, 1, MAX_HORIZON, label="Horizon (months)")
    check_int("trials", s.trials, 100, MAX_TRIALS, label="Trials")
    check_int("seed", s.seed, 0, 2**32 - 1, label="Seed")
    if not isinstance(s.currency, str) or not CURRENCY_RE.match(s.currency):
        raise ScenarioError(
            "currency", f"currency must be a 3-letter ISO 4217 code in capitals such as USD or EUR (got {s.currency!r})"
        )
    if s.sampling not in ("lhs", "plain"):
        raise ScenarioError("sampling", f"sampling must be 'lhs' (Latin hypercube) or 'plain' (got {s.sampling!r})")
    _validate_stages(s.stages)
    _validate_volume(s.volume, s.horizon_months)
    c = s.cycle
    check_range("cycle.median_days", c.median_days, 1, 1000, label="Median sales cycle (days)")
    check_range("cycle.p90_days", c.p90_days, 1, 3650, label="P90 sales cycle (days)")
    if c.p90_days <= c.median_days:
        raise ScenarioError(
            "cycle.p90_days",
            f"P90 sales cycle must be longer than the median (got P90 {c.p90_days:g} days, median {c.median_days:g})",
        )
    _validate_median_range("cycle", c.median_days, c.median_low, c.median_high, "median sales cycle (days)")
    d = s.deal_size
    check_range("deal_size.median", d.median, 0, 1e9, label="Median deal size", low_inclusive=False)
    check_range("deal_size.p90", d.p90, 0, 1e10, label="P90 deal size", low_inclusive=False)
    if d.p90 < d.median:
        raise ScenarioError(
            "deal_size.p90", f"P90 deal size must be at least the median (got P90 {d.p90:g}, median {d.median:g})"
        )
    if d.p90 > MAX_DEAL_SPREAD * d.median:
        raise ScenarioError(
            "deal_size.p90",
            f"P90 deal size can be at most {MAX_DEAL_SPREAD:g} times the median (got {d.p90 / d.median:.3g} times); "
            "split very different deal types into separate scenarios",
        )
    _validate_median_range("deal_size", d.median, d.median_low, d.median_high, "median deal size")
    _validate_target(s.target, s.horizon_months)
    for key in SECTIONS:
        value = getattr(s, key)
        if value is not None and not isinstance(value, section_class(key)):
            raise ScenarioError(key, f"must be a {section_class(key).__name__} (got {type(value).__name__})")


def _validate_median_range(section: str, median: float, low: float | None, high: float | None, label: str) -> None:
    """Both ends or neither; 0 < low < high; the median input lies inside the range."""
    if low is None and high is None:
        return
    if low is None or high is None:
        raise ScenarioError(f"{section}.median_low", f"a 90% range on the {label} needs both low and high")
    check_range(f"{section}.median_low", low, 0, None, label=f"Low end of the {label} range", low_inclusive=False)
    check_range(f"{section}.median_high", high, 0, None, label=f"High end of the {label} range", low_inclusive=False)
    if not low < high:
        raise ScenarioError(
            f"{section}.median_low", f"the {label} range needs low below high (got low {low:g}, high {high:g})"
        )
    if not low <= median <= high:
        raise ScenarioError(
            f"{section}.median_low",
            f"the {label} ({median:g}) must lie inside its 90% range ({low:g} to {high:g})",
        )


def _validate_stages(stages: tuple[Stage, ...]) -> None:
    if not isinstance(stages, tuple) or not 2 <= len(stages) <= 12:
        count = len(stages) if hasattr(stages, "__len__") else "?"
        raise ScenarioError("stages", f"the funnel needs between 2 and 12 stages (got {count})")
    seen: set[str] = set()
    for k, stage in enumerate(stages):
        name = stage.name.strip() if isinstance(stage.name, str) else ""
        if not name:
            raise ScenarioError(f"stages[{k}].name", f"stage {k + 1} needs a name")
        if len(name) > 60:
            raise ScenarioError(f"stages[{k}].name", f"stage name '{name[:20]}...' is longer than 60 characters")
        if name.lower() in seen:
            raise ScenarioError(f"stages[{k}].name", f"stage name '{name}' is used twice; names must differ")
        seen.add(name.lower())
        if k == 0:
            if stage.conversion is not None:
                raise ScenarioError(
                    "stages[0].conversion", "the first stage is the funnel's entry; it has no conversion rate"
                )
            continue
        if not isinstance(stage.conversion, Rate):
            raise ScenarioError(f"stages[{k}].conversion", f"stage '{name}' needs a conversion rate")
        label = f"Conversion '{stages[k - 1].name} -> {name}'"
        stage.conversion.validated(f"stages[{k}].conversion", label)


def _validate_volume(v: LeadVolume, horizon: int) -> None:
    check_range("volume.level", v.level, 0, 1e9, label="Monthly volume")
    check_range("volume.growth", v.growth, -0.5, 1.0, label="Growth per month")
    check_range("volume.overdispersion", v.overdispersion, 0, 2, label="Month-to-month noise")
    if len(v.seasonality) != 12:
        raise ScenarioError("volume.seasonality", f"seasonality needs 12 monthly indices (got {len(v.seasonality)})")
    for k, index in enumerate(v.seasonality):
        check_range(f"volume.seasonality[{k}]", index, 0, 12, label=f"Seasonality index for month {k + 1}")
    if sum(v.seasonality) <= 0:
        raise ScenarioError("volume.seasonality", "seasonality indices cannot all be zero")
    if v.forecast_paths is not None:
        paths = np.asarray(v.forecast_paths, dtype=float)
        if paths.ndim != 2 or paths.shape[1] < 1:
            raise ScenarioError("volume.forecast_paths", "forecast paths must be a table of months x paths")
        if paths.shape[0] < horizon:
            raise ScenarioError(
                "volume.forecast_paths",
                f"the forecast covers {paths.shape[0]} months but the horizon is {horizon}; "
                "forecast further ahead or shorten the horizon",
            )
        if not np.all(np.isfinite(paths)) or np.any(paths < 0):
            raise ScenarioError("volume.forecast_paths", "forecast paths must be finite and not negative")


def _validate_target(t: Target, horizon: int) -> None:
    if t.metric not in TARGET_METRICS:
        raise ScenarioError("target.metric", f"target metric must be 'revenue' or 'won_deals' (got {t.metric!r})")
    if t.period not in TARGET_PERIODS:
        raise ScenarioError("target.period", f"target period must be month, quarter or horizon (got {t.period!r})")
    check_range("target.value", t.value, 0, 1e13, label="Target", low_inclusive=False)
    limit = {"month": horizon, "quarter": horizon // 3, "horizon": 1}[t.period]
    if t.period == "quarter" and limit == 0:
        raise ScenarioError("target.period", f"a {horizon}-month horizon has no full quarter; pick month or horizon")
    check_int("target.index", t.index, 1, max(limit, 1), label=f"Target {t.period} number")


# --- JSON reading ------------------------------------------------------------------------------
def _take(data: dict, cls: type, field_path: str) -> dict:
    """Keep only the dataclass's fields; report unknown ones by name."""
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ScenarioError(field_path, f"unknown field(s): {', '.join(unknown)} (allowed: {', '.join(sorted(names))})")
    return dict(data)


def _section(data: dict, key: str, cls: type) -> Any:
    if key not in data:
        return cls()
    value = data[key]
    if not isinstance(value, dict):
        raise ScenarioError(key, f"must be an object (got {type(value).__name__})")
    return cls(**_take(value, cls, key))


def scenario_from_dict(data: object) -> Scenario:
    """Build a Scenario from parsed JSON; every problem raises ScenarioError naming the field."""
    if not isinstance(data, dict):
        raise ScenarioError("file", f"a scenario must be a JSON object (got {type(data).__name__})")
    data = dict(data)
    version = data.pop("schema_version", None)
    if version is None:
        raise ScenarioError("schema_version", "missing; this file was not written by this app")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ScenarioError("schema_version", f"must be a whole number (got {version!r})")
    if version > SCHEMA_VERSION:
        raise ScenarioError(
            "schema_version", f"file uses schema {version}, newer than this app's {SCHEMA_VERSION}; update the app"
        )
    _take(data, Scenario, "scenario")
    stages_data = data.get("stages")
    skip = ("stages", "volume", "cycle", "deal_size", "target", *SECTIONS)
    kwargs: dict[str, Any] = {k: v for k, v in data.items() if k not in skip}
    for key in SECTIONS:
        if data.get(key) is not None:
            if not isinstance(data[key], dict):
                raise ScenarioError(key, f"must be an object (got {type(data[key]).__name__})")
            kwargs[key] = section_class(key).from_dict(data[key])
    if stages_data is not None:
        if not isinstance(stages_data, list):
            raise ScenarioError("stages", f"must be a list of stages (got {type(stages_data).__name__})")
        stages = []
        for k, item in enumerate(stages_data):
            if not isinstance(item, dict) or "name" not in item:
                raise ScenarioError(f"stages[{k}]", "each stage needs a 'name' (and a 'conversion' after the first)")
            extra = sorted(set(item) - {"name", "conversion"})
            if extra:
                raise ScenarioError(f"stages[{k}]", f"unknown field(s): {', '.join(extra)}")
            conv = item.get("conversion")
            rate = Rate.from_dict(conv, f"stages[{k}].conversion") if conv is not None else None
            stages.append(Stage(str(item["name"]) if isinstance(item["name"], str) else item["name"], rate))
        kwargs["stages"] = tuple(stages)
    try:
        volume = _section(data, "volume", LeadVolume)
        if isinstance(volume.seasonality, list):
            volume = dataclasses.replace(volume, seasonality=tuple(volume.seasonality))
        if isinstance(volume.forecast_paths, list):
            volume = dataclasses.replace(volume, forecast_paths=tuple(tuple(row) for row in volume.forecast_paths))
        kwargs["volume"] = volume
        kwargs["cycle"] = _section(data, "cycle", CycleLength)
        kwargs["deal_size"] = _section(data, "deal_size", DealSize)
        kwargs["target"] = _section(data, "target", Target)
        return Scenario(**kwargs)
    except ScenarioError:
        raise
    except (TypeError, ValueError) as exc:
        raise ScenarioError("scenario", f"wrong type in scenario: {exc}") from None


def default_scenario() -> Scenario:
    """The bundled example every page starts from (the CLI's `example` prints it); it includes a team."""
    from simulate.scenario.team import default_team

    return Scenario(team=default_team())
