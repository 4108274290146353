"""Commission plan: a marginal, tiered rate on bookings by quota attainment, the same for every rep.

Bookings are paid segment by segment of attainment (bookings / quota), like tax brackets:
  [0, decelerator_threshold)            at decelerator_rate
  [decelerator_threshold, first tier)   at base_rate
  [tier k, tier k+1)                    at tier k's rate (accelerators, from 100% attainment up)
  above cap_attainment                  nothing
So payout = revenue x g(a) / a, where g(a) is the rate integrated over attainment from 0 to a
(commission per unit of quota). For a revenue quota this is quota x g(a); for a deal-count quota
the same schedule is applied to the rep's revenue. Rates are fractions of bookings (0.10 = 10%).

>>> plan = CommissionPlan(base_rate=0.10, decelerator_threshold=0.5, decelerator_rate=0.05,
...                       accelerators=(Accelerator(1.0, 0.15),), cap_attainment=2.0)
>>> float(plan.payout(revenue=120_000.0, attainment=1.2))  # 25k*0.05 + 25k*0.10 + 10k*0.15 on a 100k quota
5250.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulate.scenario.errors import ScenarioError, check_range

PREFIX = "team.commission"


@dataclass(frozen=True)
class Accelerator:
    """From `from_attainment` (1.0 = 100% of quota) upwards, bookings earn `rate`."""

    from_attainment: float
    rate: float

    def to_dict(self) -> dict:
        return {"from_attainment": self.from_attainment, "rate": self.rate}


@dataclass(frozen=True)
class CommissionPlan:
    """Base rate, decelerator below a threshold, accelerator tiers above 100%, and a cap (attainment)."""

    base_rate: float = 0.10
    decelerator_threshold: float = 0.5
    decelerator_rate: float = 0.05
    accelerators: tuple[Accelerator, ...] = (Accelerator(1.0, 0.15), Accelerator(1.5, 0.20))
    cap_attainment: float = 3.0

    def __post_init__(self) -> None:
        _validate(self)

    def breakpoints(self) -> tuple[np.ndarray, np.ndarray]:
        """(lower ends, rates) of the attainment segments; the last segment ends at the cap."""
        lows = [0.0, self.decelerator_threshold]
        rates = [self.decelerator_rate, self.base_rate]
        for tier in self.accelerators:
            if tier.from_attainment == lows[-1]:
                rates[-1] = tier.rate
            else:
                lows.append(tier.from_attainment)
                rates.append(tier.rate)
        if lows[1] == 0.0:  # no decelerator segment
            lows, rates = lows[1:], rates[1:]
        return np.asarray(lows), np.asarray(rates)

    def per_unit_of_quota(self, attainment: np.ndarray) -> np.ndarray:
        """g(a): commission per unit of quota at attainment a (the rate integrated from 0 to a)."""
        a = np.asarray(attainment)
        a = np.minimum(a.astype(np.result_type(a, np.float32), copy=False), self.cap_attainment)
        lows, rates = self.breakpoints()
        highs = np.append(lows[1:], self.cap_attainment)
        total = np.zeros_like(a)
        for low, high, rate in zip(lows, highs, rates, strict=True):
            total += (rate * np.clip(a - low, 0.0, high - low)).astype(a.dtype, copy=False)
        return total

    def payout(self, revenue: np.ndarray, attainment: np.ndarray) -> np.ndarray:
        """Commission (currency) on `revenue` booked at `attainment` (bookings / quota)."""
        a = np.asarray(attainment)
        a = a.astype(np.result_type(a, revenue, np.float32), copy=False)  # float32 in, float32 out (big teams)
        safe = np.where(a > 0, a, 1)
        return np.where(a > 0, np.asarray(revenue) * self.per_unit_of_quota(a) / safe, 0).astype(a.dtype, copy=False)

    def describe(self) -> str:
        tiers = ", ".join(f"{t.rate:.0%} from {t.from_attainment:.0%}" for t in self.accelerators)
        return (
            f"{self.decelerator_rate:.0%} below {self.decelerator_threshold:.0%} of quota, {self.base_rate:.0%} up to quota, "
            f"{tiers or 'no accelerators'}; nothing above {self.cap_attainment:.0%}"
        )

    def to_dict(self) -> dict:
        return {
            "base_rate": self.base_rate,
            "decelerator_threshold": self.decelerator_threshold,
            "decelerator_rate": self.decelerator_rate,
            "accelerators": [tier.to_dict() for tier in self.accelerators],
            "cap_attainment": self.cap_attainment,
        }

    @classmethod
    def from_dict(cls, data: object) -> CommissionPlan:
        if not isinstance(data, dict):
            raise ScenarioError(PREFIX, f"must be an object (got {type(data).__name__})")
        names = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - names)
        if unknown:
            raise ScenarioError(PREFIX, f"unknown field(s): {', '.join(unknown)} (allowed: {', '.join(sorted(names))})")
        kwargs: dict[str, Any] = dict(data)
        if "accelerators" in data:
            items = data["accelerators"]
            if not isinstance(items, list):
                raise ScenarioError(f"{PREFIX}.accelerators", "must be a list of {from_attainment, rate} objects")
            tiers = []
            for k, item in enumerate(items):
                if not isinstance(item, dict) or set(item) != {"from_attainment", "rate"}:
                    raise ScenarioError(
                        f"{PREFIX}.accelerators[{k}]", "each tier needs exactly 'from_attainment' and 'rate'"
                    )
                tiers.append(Accelerator(item["from_attainment"], item["rate"]))
            kwargs["accelerators"] = tuple(tiers)
        try:
            return cls(**kwargs)
        except ScenarioError:
            raise
        except (TypeError, ValueError) as exc:
            raise ScenarioError(PREFIX, f"wrong type in commission plan: {exc}") from None


def _validate(p: CommissionPlan) -> None:
    base = check_range(f"{PREFIX}.base_rate", p.base_rate, 0.0, 1.0, label="Base commission rate")
    check_range(
        f"{PREFIX}.decelerator_threshold", p.decelerator_threshold, 0.0, 1.0, label="Decelerator threshold (attainment)"
    )
    decel = check_range(f"{PREFIX}.decelerator_rate", p.decelerator_rate, 0.0, 1.0, label="Decelerator rate")
    if decel > base:
        raise ScenarioError(
            f"{PREFIX}.decelerator_rate",
            f"Decelerator rate must not exceed the base rate {base:.1%} (got {decel:.1%}); a decelerator pays less",
        )
    if not isinstance(p.accelerators, tuple) or not all(isinstance(t, Accelerator) for t in p.accelerators):
        raise ScenarioError(f"{PREFIX}.accelerators", "must be a list of tiers (from_attainment, rate)")
    if len(p.accelerators) > 10:
        raise ScenarioError(f"{PREFIX}.accelerators", f"at most 10 accelerator tiers (got {len(p.accelerators)})")
    previous_start, previous_rate = 1.0, base
    for k, tier in enumerate(p.accelerators):
        field = f"{PREFIX}.accelerators[{k}]"
        start = check_range(
            f"{field}.from_attainment",
            tier.from_attainment,
            1.0,
            100.0,
            label=f"Accelerator tier {k + 1} start (attainment)",
        )
        rate = check_range(f"{field}.rate", tier.rate, 0.0, 1.0, label=f"Accelerator tier {k + 1} rate")
        if k > 0 and start <= previous_start:
            raise ScenarioError(
                f"{field}.from_attainment",
                f"accelerator tiers must be in increasing order of attainment: tier {k + 1} starts at {start:.0%}, "
                f"not above tier {k}'s {previous_start:.0%}; sort the tiers",
            )
        if rate < previous_rate:
            what = "the base rate" if k == 0 else f"tier {k}'s rate"
            raise ScenarioError(
                f"{field}.rate",
                f"accelerator tier {k + 1} pays {rate:.1%}, less than {what} {previous_rate:.1%}; accelerators must not pay less",
            )
        previous_start, previous_rate = start, rate
    floor = max([1.0] + [t.from_attainment for t in p.accelerators])
    check_range(
        f"{PREFIX}.cap_attainment",
        p.cap_attainment,
        floor,
        1000.0,
        label="Commission cap (attainment)",
        low_inclusive=False,
    )
