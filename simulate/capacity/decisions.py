"""Decisions from the team model: how many more reps to hire (and by when) to hit the plan at a
chosen confidence, and what a slower ramp or higher attrition costs, in the target's unit.

All what-ifs reuse the same funnel trials and seed (common random numbers), so differences reflect
the change, not fresh noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.wording import format_value, percent, with_article
from simulate.capacity.model import TeamResult, simulate_team
from simulate.capacity.summary import expected_share_at_quota
from simulate.funnel import SimulationResult
from simulate.scenario import Scenario, TeamPlan

SEARCH_TRIALS = 2_000
NEAR_CEILING = 0.02  # "close to what hiring can achieve": within 2 points of the funnel's own chance


def slower_ramp(curve: tuple[float, ...], extra_months: int) -> tuple[float, ...]:
    """The same ramp shape stretched over `extra_months` more months (still ending at full productivity).

    The curve plus its implied 1.0 at month len+1 is a function of tenure month; the stretched curve at
    month k reads the old one at 1 + (k - 1) x len / (len + extra), linearly interpolated.
    """
    if extra_months <= 0:
        return tuple(curve)
    length = len(curve)
    old_months = np.arange(1, length + 2, dtype=float)
    old_values = np.append(np.asarray(curve, dtype=float), 1.0)
    new_months = np.arange(1, length + extra_months + 1, dtype=float)
    positions = 1.0 + (new_months - 1.0) * length / (length + extra_months)
    return tuple(float(round(v, 4)) for v in np.interp(positions, old_months, old_values))


def with_extra_hires(team: TeamPlan, month: int, extra: int) -> TeamPlan:
    """The team with `extra` more hires starting in 0-based month `month`."""
    plan = list(team.hiring_plan) + [0] * max(0, month + 1 - len(team.hiring_plan))
    plan[month] += extra
    return team.replace(hiring_plan=tuple(plan))


def hit_chance(scenario: Scenario, funnel: SimulationResult, team: TeamPlan, trials: int | None = None) -> float:
    """P(team bookings in the target period >= target) for this team on the funnel's first trials."""
    tr = simulate_team(scenario, funnel, team=team, trials=trials, through_period=True)
    return float(np.mean(tr.team_bookings() >= scenario.target.value))


@dataclass(frozen=True)
class HiringOption:
    """Extra hires starting in `month` (0-based) that reach the confidence; None if no number does."""

    month: int
    month_label: str
    extra_hires: int | None
    chance: float  # P(hit plan) with those hires (or with the most tried)


@dataclass(frozen=True)
class HeadcountAdvice:
    confidence: float
    current_chance: float
    ceiling: float  # P(hit) if capacity were unlimited: the funnel itself limits beyond this
    starting_headcount: int
    planned_hires: int
    options: list[HiringOption]
    sentence: str
    near_ceiling: HiringOption | None = None  # when the confidence is out of reach: hires that get close to the ceiling

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"hire_by": o.month_label, "extra_hires": o.extra_hires, "chance_of_plan": o.chance} for o in self.options]
        )


def candidate_months(scenario: Scenario, count: int = 4) -> list[int]:
    """Up to `count` hiring months from the first month to the start of the target period."""
    first = scenario.target_months()[0]
    return sorted({int(round(v)) for v in np.linspace(0, first, min(count, first + 1))})


def headcount_needed(
    scenario: Scenario,
    funnel: SimulationResult,
    *,
    confidence: float | None = None,
    months: list[int] | None = None,
    max_extra: int = 500,
    trials: int = SEARCH_TRIALS,
) -> HeadcountAdvice:
    """Smallest number of extra reps, for each hiring month, that gives P(hit plan) >= confidence.

    Searched by doubling then bisection on the funnel's first `trials` trials (the chance is treated
    as non-decreasing in headcount; with `trials` trials it carries a Monte Carlo error of about
    sqrt(p(1-p)/trials)).
    """
    team = scenario.team
    confidence = float(confidence if confidence is not None else team.plan_confidence)
    trials = min(trials, funnel.trials)
    ceiling = float(np.mean(funnel.period_metric()[:trials] >= scenario.target.value))
    current = hit_chance(scenario, funnel, team, trials)
    months = months if months is not None else candidate_months(scenario)
    options = []
    for month in months:
        label = funnel.months[month]
        if current >= confidence:
            options.append(HiringOption(month, label, 0, current))
            continue
        if ceiling < confidence:
            options.append(HiringOption(month, label, None, ceiling))
            continue
        options.append(_search(scenario, funnel, team, month, label, confidence, max_extra, trials))
    near = None
    if ceiling < confidence and current < ceiling - NEAR_CEILING and months:
        near = _search(
            scenario, funnel, team, months[0], funnel.months[months[0]], ceiling - NEAR_CEILING, max_extra, trials
        )
    sentence = headcount_sentence(confidence, current, ceiling, options)
    if near is not None and near.extra_hires is not None:
        sentence += (
            f" {near.extra_hires} more reps by {near.month_label} would take it to {percent(near.chance)}, "
            f"within {percent(NEAR_CEILING)} of that limit."
        )
    return HeadcountAdvice(
        confidence=confidence,
        current_chance=current,
        ceiling=ceiling,
        starting_headcount=team.starting_headcount,
        planned_hires=team.planned_hires,
        options=options,
        sentence=sentence,
        near_ceiling=near,
    )


def _search(scenario, funnel, team, month, label, confidence, max_extra, trials) -> HiringOption:
    low, high, chance_high = 0, 1, 0.0
    while high <= max_extra:
        chance_high = hit_chance(scenario, funnel, with_extra_hires(team, month, high), trials)
        if chance_high >= confidence:
            break
        low, high = high, high * 2
    else:
        return HiringOption(month, label, None, chance_high)
    while high - low > 1:
        mid = (low + high) // 2
        chance = hit_chance(scenario, funnel, with_extra_hires(team, month, mid), trials)
        if chance >= confidence:
            high, chance_high = mid, chance
        else:
            low = mid
    return HiringOption(month, label, high, chance_high)


def headcount_sentence(confidence: float, current: float, ceiling: float, options: list[HiringOption]) -> str:
    now = f"With today's plan the team has {with_article(percent(current))} chance of making the plan."
    if current >= confidence:
        return f"{now} That already meets the {percent(confidence)} confidence: no extra hires needed."
    if ceiling < confidence:
        return (
            f"{now} Hiring cannot reach {percent(confidence)}: even with unlimited reps the funnel gives only "
            f"{percent(ceiling)}. Grow the funnel or lower the target."
        )
    reachable = [o for o in options if o.extra_hires is not None]
    if not reachable:
        return f"{now} No hiring month tried reaches {percent(confidence)}."
    parts = [f"{o.extra_hires} more by {o.month_label}" for o in reachable]
    late = [o.month_label for o in options if o.extra_hires is None]
    tail = f"; hires starting {', '.join(late)} come too late" if late else ""
    return f"{now} For {percent(confidence)}: hire " + ", or ".join(parts) + tail + "."


def change_cases(
    scenario: Scenario,
    funnel: SimulationResult,
    *,
    ramp_extra_months: int = 3,
    attrition_extra: float = 0.10,
    trials: int | None = None,
) -> list[tuple[str, TeamResult]]:
    """Team simulations (through the target period) as planned, with a slower ramp, with more attrition.

    They do not depend on the quota, so a page can keep them while the quota moves.
    """
    team = scenario.team
    attrition = min(1.0, team.attrition_annual + attrition_extra)
    cases = [
        ("As planned", team),
        (
            f"Ramp {ramp_extra_months} months slower",
            team.replace(ramp_curve=slower_ramp(team.ramp_curve, ramp_extra_months)),
        ),
        (f"Attrition {percent(attrition)} a year", team.replace(attrition_annual=attrition)),
    ]
    return [
        (label, simulate_team(scenario, funnel, team=variant, trials=trials, through_period=True))
        for label, variant in cases
    ]


def changes_table(cases: list[tuple[str, TeamResult]], scenario: Scenario) -> pd.DataFrame:
    """Team bookings, chance of the plan and share at the scenario's quota per case, and the change in bookings."""
    rows = []
    for label, tr in cases:
        bookings = tr.team_bookings()
        rows.append(
            {
                "case": label,
                "team_bookings": float(bookings.mean()),
                "p_hit_plan": float(np.mean(bookings >= scenario.target.value)),
                "share_at_quota": expected_share_at_quota(tr, scenario.team.quota).p,
            }
        )
    frame = pd.DataFrame(rows)
    frame["bookings_change"] = frame["team_bookings"] - frame["team_bookings"].iloc[0]
    return frame


def cost_of_changes(
    scenario: Scenario,
    funnel: SimulationResult,
    *,
    ramp_extra_months: int = 3,
    attrition_extra: float = 0.10,
    trials: int | None = None,
) -> pd.DataFrame:
    """Team bookings, chance of the plan and share at quota: as planned, with a slower ramp, with more attrition."""
    cases = change_cases(
        scenario, funnel, ramp_extra_months=ramp_extra_months, attrition_extra=attrition_extra, trials=trials
    )
    return changes_table(cases, scenario)


def change_sentence(frame: pd.DataFrame, metric: str) -> str:
    """E.g. "Cost of ramp 3 months slower: $210k less booked (chance of plan 52% -> 41%, reps at quota ...)"."""
    base = frame.iloc[0]
    parts = []
    for _, row in frame.iloc[1:].iterrows():
        parts.append(
            f"{row['case'].lower()}: {format_value(-row['bookings_change'], metric)} less booked "
            f"(chance of plan {percent(base['p_hit_plan'])} -> {percent(row['p_hit_plan'])}, "
            f"reps at quota {percent(base['share_at_quota'])} -> {percent(row['share_at_quota'])})"
        )
    return "Cost of " + "; ".join(parts) + "."
