"""The sales team as a scenario section: who sells, how fast new reps ramp, who leaves, what quota.

`TeamPlan` is frozen and validated on construction; `to_dict()` / `from_dict()` round-trip to JSON
(it is stored under the scenario's "team" key). Units: months of tenure and calendar months of the
horizon (1-based in the hiring plan: entry 0 is the first month), fractions (0-1) for rates, deals
per month for capacity, and the scenario target's unit (currency or deals) for the quota.

The quota is per rep for the scenario's target period (a quarter quota when the target is a quarter):
the company plan is `scenario.target`, so there is one source for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulate.scenario.commission import CommissionPlan
from simulate.scenario.errors import ScenarioError, check_int, check_range

ROUTINGS = ("equal", "capacity", "territory")
MAX_REPS = 5_000
MAX_TENURE = 600


@dataclass(frozen=True)
class RepGroup:
    """`count` reps already on the team who have completed `tenure_months` months in the job."""

    count: int
    tenure_months: int

    def to_dict(self) -> dict:
        return {"count": self.count, "tenure_months": self.tenure_months}


DEFAULT_RAMP = (0.10, 0.25, 0.45, 0.65, 0.85)  # full productivity from month 6 (median ramp ~5 months)


@dataclass(frozen=True)
class TeamPlan:
    """Capacity and quota inputs.

    current_reps: reps on the team at the start of the horizon, grouped by tenure (months completed).
    hiring_plan: new reps starting in each month of the horizon (entry 0 = first month); missing months = 0.
    ramp_curve: share of full productivity in tenure month 1, 2, ... (non-decreasing, each 0-1);
        after the last entry a rep is fully productive (1.0).
    attrition_annual: share of reps who leave in a year (0-1); leavers are random, month by month.
    backfill: whether a leaver's seat is refilled; backfill_delay_months: months the seat stays empty
        (0 = the replacement starts the month after the leaver's last month).
    productivity_spread: coefficient of variation of full productivity between reps (0 = all equal);
        each rep's multiplier is lognormal with mean 1.
    deals_per_rep_month: won deals a fully ramped, average rep can close in a month (capacity).
    routing: how the funnel's deals are shared among reps: "equal" (same share for every rep in seat),
        "capacity" (in proportion to each rep's ramped productivity), "territory" (fixed territory
        sizes per seat, lognormal with mean 1 and spread `territory_skew`).
    quota: quota per rep for the target period, in the target's unit (currency or deals).
    ramped_quota: if True a rep's quota is also scaled by the ramp (new reps carry a reduced quota);
        if False only by the months the seat was filled in the period.
    target_share_at_quota: share of reps the plan wants at or above quota (drives the recommended quota).
    plan_confidence: chance of hitting the company plan that headcount advice aims for.
    commission: the commission plan applied to every rep.
    """

    current_reps: tuple[RepGroup, ...] = (RepGroup(10, 24), RepGroup(4, 8), RepGroup(2, 2))
    hiring_plan: tuple[int, ...] = (2, 0, 2)
    ramp_curve: tuple[float, ...] = DEFAULT_RAMP
    attrition_annual: float = 0.20
    backfill: bool = True
    backfill_delay_months: int = 2
    productivity_spread: float = 0.25
    deals_per_rep_month: float = 1.5
    routing: str = "capacity"
    territory_skew: float = 0.3
    quota: float = 120_000.0
    ramped_quota: bool = False
    target_share_at_quota: float = 0.65
    plan_confidence: float = 0.80
    commission: CommissionPlan = field(default_factory=CommissionPlan)

    def __post_init__(self) -> None:
        _validate(self)
        # whole numbers given as 2.0 (JSON, widgets) are stored as ints so counts can be iterated
        object.__setattr__(
            self, "current_reps", tuple(RepGroup(int(g.count), int(g.tenure_months)) for g in self.current_reps)
        )
        object.__setattr__(self, "hiring_plan", tuple(int(h) for h in self.hiring_plan))
        object.__setattr__(self, "backfill_delay_months", int(self.backfill_delay_months))
        object.__setattr__(self, "ramp_curve", tuple(float(v) for v in self.ramp_curve))

    # --- derived ------------------------------------------------------------------------------
    @property
    def starting_headcount(self) -> int:
        return sum(group.count for group in self.current_reps)

    @property
    def planned_hires(self) -> int:
        return sum(self.hiring_plan)

    @property
    def seats(self) -> int:
        """Rep positions simulated: current reps plus planned hires (backfills reuse a seat)."""
        return self.starting_headcount + self.planned_hires

    def ramp_at(self, tenure_months: int) -> float:
        """Share of full productivity in the month after `tenure_months` completed months."""
        return self.ramp_curve[tenure_months] if tenure_months < len(self.ramp_curve) else 1.0

    @property
    def months_to_full(self) -> int:
        """Tenure month in which a rep first reaches full productivity."""
        for k, value in enumerate(self.ramp_curve):
            if value >= 1.0:
                return k + 1
        return len(self.ramp_curve) + 1

    @property
    def monthly_leave_probability(self) -> float:
        """Monthly hazard h with (1 - h)^12 = 1 - annual attrition."""
        return 1.0 - (1.0 - self.attrition_annual) ** (1.0 / 12.0) if self.attrition_annual < 1 else 1.0

    def replace(self, **changes: Any) -> TeamPlan:
        import dataclasses

        return dataclasses.replace(self, **changes)

    # --- JSON --------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "current_reps": [group.to_dict() for group in self.current_reps],
            "hiring_plan": list(self.hiring_plan),
            "ramp_curve": list(self.ramp_curve),
            "attrition_annual": self.attrition_annual,
            "backfill": self.backfill,
            "backfill_delay_months": self.backfill_delay_months,
            "productivity_spread": self.productivity_spread,
            "deals_per_rep_month": self.deals_per_rep_month,
            "routing": self.routing,
            "territory_skew": self.territory_skew,
            "quota": self.quota,
            "ramped_quota": self.ramped_quota,
            "target_share_at_quota": self.target_share_at_quota,
            "plan_confidence": self.plan_confidence,
            "commission": self.commission.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> TeamPlan:
        """Build from parsed JSON; every problem raises ScenarioError naming the field (team.*)."""
        if not isinstance(data, dict):
            raise ScenarioError("team", f"must be an object (got {type(data).__name__})")
        names = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - names)
        if unknown:
            raise ScenarioError("team", f"unknown field(s): {', '.join(unknown)} (allowed: {', '.join(sorted(names))})")
        kwargs: dict[str, Any] = dict(data)
        if "current_reps" in data:
            kwargs["current_reps"] = _groups_from(data["current_reps"])
        for key in ("hiring_plan", "ramp_curve"):
            if key in data:
                if not isinstance(data[key], list):
                    raise ScenarioError(f"team.{key}", f"must be a list of numbers (got {type(data[key]).__name__})")
                kwargs[key] = tuple(data[key])
        if "commission" in data:
            kwargs["commission"] = CommissionPlan.from_dict(data["commission"])
        try:
            return cls(**kwargs)
        except ScenarioError:
            raise
        except (TypeError, ValueError) as exc:
            raise ScenarioError("team", f"wrong type in team: {exc}") from None


def _groups_from(items: object) -> tuple[RepGroup, ...]:
    if not isinstance(items, list):
        raise ScenarioError("team.current_reps", "must be a list of {count, tenure_months} objects")
    groups = []
    for k, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"count", "tenure_months"}:
            raise ScenarioError(f"team.current_reps[{k}]", "each group needs exactly 'count' and 'tenure_months'")
        groups.append(RepGroup(item["count"], item["tenure_months"]))
    return tuple(groups)


# --- validation --------------------------------------------------------------------------------
def _validate(t: TeamPlan) -> None:
    if not isinstance(t.current_reps, tuple) or not all(isinstance(g, RepGroup) for g in t.current_reps):
        raise ScenarioError("team.current_reps", "must be a tuple of RepGroup(count, tenure_months)")
    for k, group in enumerate(t.current_reps):
        check_int(f"team.current_reps[{k}].count", group.count, 0, MAX_REPS, label=f"Reps in group {k + 1}")
        check_int(
            f"team.current_reps[{k}].tenure_months",
            group.tenure_months,
            0,
            MAX_TENURE,
            label=f"Tenure of group {k + 1} (months)",
        )
    if not isinstance(t.hiring_plan, tuple):
        raise ScenarioError("team.hiring_plan", "must be a list of hires per month")
    for k, hires in enumerate(t.hiring_plan):
        if isinstance(hires, (int, float)) and not isinstance(hires, bool) and hires < 0:
            raise ScenarioError(
                f"team.hiring_plan[{k}]", f"Hires in month {k + 1} cannot be negative (got {hires:g}); enter 0 or more"
            )
        check_int(f"team.hiring_plan[{k}]", hires, 0, MAX_REPS, label=f"Hires in month {k + 1}")
    if len(t.hiring_plan) > 36:
        raise ScenarioError("team.hiring_plan", f"the hiring plan covers at most 36 months (got {len(t.hiring_plan)})")
    if t.seats < 1:
        raise ScenarioError("team.current_reps", "the team needs at least one rep (current or hired)")
    if t.seats > MAX_REPS:
        raise ScenarioError("team.current_reps", f"at most {MAX_REPS:,} reps including hires (got {t.seats:,})")
    _validate_ramp(t.ramp_curve)
    check_range("team.attrition_annual", t.attrition_annual, 0.0, 1.0, label="Annual attrition")
    if not isinstance(t.backfill, bool):
        raise ScenarioError("team.backfill", f"must be true or false (got {t.backfill!r})")
    check_int("team.backfill_delay_months", t.backfill_delay_months, 0, 24, label="Backfill delay (months)")
    check_range("team.productivity_spread", t.productivity_spread, 0.0, 2.0, label="Productivity spread between reps")
    check_range(
        "team.deals_per_rep_month",
        t.deals_per_rep_month,
        0.0,
        1e5,
        label="Deals per fully ramped rep per month",
        low_inclusive=False,
    )
    if t.routing not in ROUTINGS:
        raise ScenarioError("team.routing", f"routing must be one of {', '.join(ROUTINGS)} (got {t.routing!r})")
    check_range("team.territory_skew", t.territory_skew, 0.0, 2.0, label="Territory skew")
    check_range("team.quota", t.quota, 0.0, None, label="Quota per rep", low_inclusive=False)
    check_range("team.quota", t.quota, None, 1e12, label="Quota per rep")
    if not isinstance(t.ramped_quota, bool):
        raise ScenarioError("team.ramped_quota", f"must be true or false (got {t.ramped_quota!r})")
    check_range(
        "team.target_share_at_quota",
        t.target_share_at_quota,
        0.0,
        1.0,
        label="Target share of reps at quota",
        low_inclusive=False,
        high_inclusive=False,
    )
    check_range(
        "team.plan_confidence",
        t.plan_confidence,
        0.0,
        1.0,
        label="Confidence for the plan",
        low_inclusive=False,
        high_inclusive=False,
    )
    if not isinstance(t.commission, CommissionPlan):
        raise ScenarioError("team.commission", f"must be a CommissionPlan (got {type(t.commission).__name__})")


def _validate_ramp(curve: tuple[float, ...]) -> None:
    if not isinstance(curve, tuple) or not 1 <= len(curve) <= 36:
        count = len(curve) if hasattr(curve, "__len__") else "?"
        raise ScenarioError("team.ramp_curve", f"the ramp curve needs 1 to 36 monthly values (got {count})")
    previous = 0.0
    for k, value in enumerate(curve):
        number = check_range(f"team.ramp_curve[{k}]", value, 0.0, None, label=f"Ramp in tenure month {k + 1}")
        if number > 1.0:
            raise ScenarioError(
                f"team.ramp_curve[{k}]", f"Ramp in tenure month {k + 1} cannot exceed 100% (got {value:g})"
            )
        if number < previous:
            raise ScenarioError(
                f"team.ramp_curve[{k}]",
                f"the ramp curve cannot decrease: month {k + 1} is {number:.0%} after {previous:.0%} in month {k}; "
                "make each month at least the one before",
            )
        previous = number


def default_team() -> TeamPlan:
    """The example team bundled with the default scenario (16 reps, 4 hires, 20% attrition)."""
    return TeamPlan()
