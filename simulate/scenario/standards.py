"""Performance standards: per KPI a target and a green / amber / red band, per team or per rep, per period.

A `StandardSet` is the scenario's optional `standards` section (registered in simulate.scenario.SECTIONS):
frozen, validated on construction, with to_dict()/from_dict() and a standalone JSON file format
(`to_json`/`from_json`, with its own schema version) for export and import.

Bands, for a KPI where higher is better (mirrored when lower is better):
    green  value >= green            (the target must be inside green: target >= green)
    amber  amber <= value < green
    red    value < amber
so `amber` must be strictly below `green`; otherwise the bands overlap and the standard is rejected.
Values are in the KPI's unit (shares as fractions 0-1, money in currency, durations in days/minutes/months).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace

from kpi.catalogue import CATALOGUE, get
from simulate.scenario.errors import ScenarioError, check_range

STANDARDS_SCHEMA_VERSION = 1
SCOPES = ("team", "rep")
PERIODS = ("day", "week", "month", "quarter")
STATUSES = ("green", "amber", "red", "no data")
MAX_STANDARDS = 60


def _number(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value * 100:.4g}%"
    return f"{value:,.6g}"


@dataclass(frozen=True)
class Standard:
    """One standard of performance: `kpi` (catalogue key) should reach `target`, judged per `scope` and `period`."""

    kpi: str
    target: float
    green: float | None = None  # threshold of the green band; None = the target
    amber: float | None = None  # threshold of the amber band; None = 10% short of the target
    scope: str = "rep"
    period: str = "month"

    def __post_init__(self) -> None:
        if self.kpi not in CATALOGUE:
            raise ScenarioError("standards.kpi", f"unknown KPI {self.kpi!r}; choose one of: {', '.join(CATALOGUE)}")
        k = get(self.kpi)
        where = f"standards[{self.kpi}]"
        if self.scope not in SCOPES:
            raise ScenarioError(f"{where}.scope", f"{k.name}: scope must be 'team' or 'rep' (got {self.scope!r})")
        if self.scope not in k.scopes:
            raise ScenarioError(f"{where}.scope", f"{k.name} is measured for the whole team only, not per rep")
        if self.period not in PERIODS:
            raise ScenarioError(
                f"{where}.period", f"{k.name}: period must be day, week, month or quarter (got {self.period!r})"
            )
        low, high = _allowed(self.kpi)
        target = check_range(f"{where}.target", self.target, low, high, label=f"{k.name} target")
        object.__setattr__(self, "target", target)
        green = (
            target
            if self.green is None
            else check_range(f"{where}.green", self.green, low, high, label=f"{k.name} green threshold")
        )
        object.__setattr__(self, "green", green)
        if self.amber is None:
            amber = _default_amber(target, k.higher_is_better)
        else:
            amber = check_range(f"{where}.amber", self.amber, low, high, label=f"{k.name} amber threshold")
        object.__setattr__(self, "amber", amber)
        self._check_bands(k)

    def _check_bands(self, k) -> None:
        where = f"standards[{self.kpi}]"
        u = k.unit
        if k.higher_is_better:
            if not self.amber < self.green:
                raise ScenarioError(
                    f"{where}.amber",
                    f"{k.name}: the amber band starts at {_number(self.amber, u)} and green at {_number(self.green, u)}; "
                    f"higher is better, so amber must start below green or the bands overlap",
                )
            if self.target < self.green:
                raise ScenarioError(
                    f"{where}.green",
                    f"{k.name}: green starts at {_number(self.green, u)}, above the target {_number(self.target, u)}; "
                    "the target itself must count as green",
                )
        else:
            if not self.amber > self.green:
                raise ScenarioError(
                    f"{where}.amber",
                    f"{k.name}: the amber band starts at {_number(self.amber, u)} and green at {_number(self.green, u)}; "
                    f"lower is better, so amber must start above green or the bands overlap",
                )
            if self.target > self.green:
                raise ScenarioError(
                    f"{where}.green",
                    f"{k.name}: green starts at {_number(self.green, u)}, below the target {_number(self.target, u)}; "
                    "the target itself must count as green",
                )

    @property
    def key(self) -> tuple[str, str]:
        return (self.kpi, self.scope)

    def meets(self, value: float) -> bool:
        """True when `value` reaches the target (>= for higher-is-better KPIs, <= otherwise)."""
        return value >= self.target if get(self.kpi).higher_is_better else value <= self.target

    def status(self, value: float | None) -> str:
        """ "green", "amber", "red", or "no data" when there is no number."""
        if value is None or not math.isfinite(value):
            return "no data"
        if get(self.kpi).higher_is_better:
            return "green" if value >= self.green else "amber" if value >= self.amber else "red"
        return "green" if value <= self.green else "amber" if value <= self.amber else "red"

    def describe(self) -> str:
        """E.g. "Win rate per rep per month: target 60%, green at 60% or more, amber from 50%"."""
        k = get(self.kpi)
        u = k.unit
        side = "or more" if k.higher_is_better else "or less"
        scope = "per rep" if self.scope == "rep" else "for the team"
        return (
            f"{k.name} {scope} per {self.period}: target {_number(self.target, u)}, "
            f"green at {_number(self.green, u)} {side}, amber from {_number(self.amber, u)}"
        )

    def to_dict(self) -> dict:
        return {
            "kpi": self.kpi,
            "target": self.target,
            "green": self.green,
            "amber": self.amber,
            "scope": self.scope,
            "period": self.period,
        }

    @classmethod
    def from_dict(cls, data: object, where: str = "standards") -> Standard:
        if not isinstance(data, dict):
            raise ScenarioError(where, f"each standard must be an object (got {type(data).__name__})")
        allowed = {"kpi", "target", "green", "amber", "scope", "period"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ScenarioError(
                where, f"unknown field(s): {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
            )
        if "kpi" not in data or "target" not in data:
            raise ScenarioError(where, "each standard needs a 'kpi' and a 'target'")
        return cls(**data)


def _allowed(key: str) -> tuple[float | None, float | None]:
    """Allowed range of a standard's numbers for this KPI."""
    k = get(key)
    if k.kind == "proportion" or key == "share_at_quota":
        return 0.0, 1.0
    if key in ("revenue_growth", "marketing_roi"):
        return -1.0, 1000.0
    return 0.0, 1e13


def _default_amber(target: float, higher: bool) -> float:
    """Ten percent short of the target (or a small step when the target is zero)."""
    step = abs(target) * 0.1 or 0.01
    return target - step if higher else target + step


@dataclass(frozen=True)
class StandardSet:
    """The standards a team is held to, and the share of reps a standard should be attainable by."""

    standards: tuple[Standard, ...] = ()
    attainable_share: float = 0.65  # a standard is "attainable" when at least this share of reps can meet it

    def __post_init__(self) -> None:
        if not isinstance(self.standards, tuple):
            object.__setattr__(self, "standards", tuple(self.standards))
        check_range(
            "standards.attainable_share",
            self.attainable_share,
            0.05,
            0.95,
            label="Share of reps who should meet a standard",
        )
        if len(self.standards) > MAX_STANDARDS:
            raise ScenarioError("standards", f"at most {MAX_STANDARDS} standards (got {len(self.standards)})")
        seen = set()
        for s in self.standards:
            if not isinstance(s, Standard):
                raise ScenarioError("standards", f"each standard must be a Standard (got {type(s).__name__})")
            if s.key in seen:
                raise ScenarioError(
                    f"standards[{s.kpi}]",
                    f"{get(s.kpi).name} has two standards for the {s.scope}; keep one per KPI and scope",
                )
            seen.add(s.key)

    def get(self, kpi: str, scope: str = "rep") -> Standard | None:
        return next((s for s in self.standards if s.key == (kpi, scope)), None)

    def with_standard(self, standard: Standard) -> StandardSet:
        """A copy with `standard` added, replacing any for the same KPI and scope (order kept)."""
        kept = [standard if s.key == standard.key else s for s in self.standards]
        if standard.key not in {s.key for s in self.standards}:
            kept.append(standard)
        return replace(self, standards=tuple(kept))

    def without(self, kpi: str, scope: str) -> StandardSet:
        return replace(self, standards=tuple(s for s in self.standards if s.key != (kpi, scope)))

    # --- JSON ------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"attainable_share": self.attainable_share, "standards": [s.to_dict() for s in self.standards]}

    @classmethod
    def from_dict(cls, data: object) -> StandardSet:
        if not isinstance(data, dict):
            raise ScenarioError("standards", f"must be an object (got {type(data).__name__})")
        unknown = sorted(set(data) - {"attainable_share", "standards", "schema_version", "kind"})
        if unknown:
            raise ScenarioError(
                "standards", f"unknown field(s): {', '.join(unknown)} (allowed: attainable_share, standards)"
            )
        items = data.get("standards", [])
        if not isinstance(items, list):
            raise ScenarioError("standards.standards", f"must be a list (got {type(items).__name__})")
        try:
            parsed = tuple(Standard.from_dict(item, f"standards[{k}]") for k, item in enumerate(items))
            return cls(standards=parsed, attainable_share=data.get("attainable_share", 0.65))
        except TypeError as exc:
            raise ScenarioError("standards", f"wrong type in a standard: {exc}") from None

    def to_json(self, indent: int | None = 2) -> str:
        """A standalone standards file (export)."""
        return json.dumps(
            {"schema_version": STANDARDS_SCHEMA_VERSION, "kind": "standards", **self.to_dict()}, indent=indent
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> StandardSet:
        """Read a standards file, or a whole scenario file that carries a standards section."""
        from simulate.scenario.safejson import load_json

        try:  # bounded depth and numbers, text cleaned
            data = load_json(text, "file").data
        except ScenarioError as exc:
            raise ScenarioError("file", f"not a valid standards JSON file: {exc.message}") from None
        if not isinstance(data, dict):
            raise ScenarioError("file", f"a standards file must be a JSON object (got {type(data).__name__})")
        if "standards" in data and isinstance(data["standards"], dict):  # a scenario file
            data = data["standards"]
        elif "stages" in data:  # a scenario file without standards: its schema_version is the scenario's
            raise ScenarioError(
                "file", "this is a scenario file without a standards section; export standards from the scorecard page"
            )
        version = data.get("schema_version", STANDARDS_SCHEMA_VERSION)
        if not isinstance(version, int) or version > STANDARDS_SCHEMA_VERSION:
            raise ScenarioError(
                "schema_version",
                f"standards file schema {version!r} is not one this app reads (up to {STANDARDS_SCHEMA_VERSION})",
            )
        return cls.from_dict(data)


def default_standards() -> StandardSet:
    """Starting standards for the bundled example (monthly, mostly per rep)."""
    return StandardSet(
        standards=(
            Standard("win_rate", 0.65, amber=0.55, scope="rep"),
            Standard("bookings", 50_000, amber=35_000, scope="rep"),
            Standard("avg_deal_size", 2_500, amber=2_000, scope="rep"),
            Standard("sales_cycle_days", 50, amber=60, scope="rep"),
            Standard("activities_per_day", 4, amber=3, scope="rep"),
            Standard("lead_response_minutes", 30, amber=60, scope="rep"),
            Standard("bookings", 1_000_000, amber=850_000, scope="team"),
            Standard("mql_to_sql", 0.35, amber=0.30, scope="team"),
            Standard("cac", 600, amber=750, scope="team"),
            Standard("ltv_to_cac", 3.0, amber=2.0, scope="team"),
            Standard("churn_rate", 0.02, amber=0.03, scope="team"),
        )
    )
