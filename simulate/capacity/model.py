"""Team capacity Monte Carlo: the funnel's deals routed to the reps in seat, trials x months x reps.

Model, per trial (vectorised across trials, chunked so arrays stay a few tens of MB):
- Seats: one per current rep and per planned hire. A seat is filled from its start month (month 0
  with the group's tenure for current reps, the hiring month with tenure 0 for hires). Each month a
  rep in seat leaves with probability h = 1 - (1 - annual attrition)^(1/12), after working that month;
  with backfill on, the seat is refilled `backfill_delay_months` empty months later by a new rep
  (tenure 0, a fresh productivity draw). Reps are conserved: headcount(m) = starting reps + hires and
  backfills started up to m - leavers before m, per trial (returned so tests can check it).
- Each rep has a full-productivity multiplier (lognormal, mean 1, coefficient of variation
  `productivity_spread`); capacity = deals_per_rep_month x ramp(tenure) x multiplier (deals/month).
- Demand: the funnel's won-deal rate for the trial-month (`SimulationResult.won_mean`, the Poisson
  mean given that trial's conversion rates and volume). It is shared among reps in seat by routing
  weight (equal: 1; capacity: the rep's capacity; territory: a fixed lognormal territory size per
  seat). Each rep works min(share, capacity); the excess is "unworked" (lost for lack of capacity).
  Deals are conserved exactly: demand = sum of worked + unworked in every trial-month.
- A rep's won deals over the target period are Poisson with mean the sum of its worked months (the
  Poisson split of the funnel's deals, so the team total has the funnel's law when capacity is ample);
  the revenue of those deals is a sum of lognormal deal sizes (simulate.funnel.revenue_for_deals).

Only per-trial and per-trial-seat aggregates are kept (never trials x months x reps).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulate.funnel import SimulationResult, lognormal_params, revenue_for_deals
from simulate.scenario import Scenario, TeamPlan

CELL_BUDGET = 250_000  # trials x seats cells per chunk (each float32 array ~1 MB: cache-friendly)
TEAM_STREAM = 5  # spawn key that keeps the team's random numbers apart from the funnel's


@dataclass(frozen=True)
class TeamResult:
    """Per-trial outputs of one team simulation. Summarise with simulate.capacity.capacity_summary.

    Monthly arrays are (trials, months) over the whole horizon; seat arrays are (trials, seats)
    over the scenario's target period. Deals are won deals; money is the scenario's currency.
    """

    scenario: Scenario
    team: TeamPlan
    trials: int
    seed: int
    months: list[str]
    seat_labels: list[str]
    period: slice
    headcount: np.ndarray  # reps in seat by month
    ramped_equivalents: np.ndarray  # sum of ramp over reps in seat (fully ramped rep equivalents)
    capacity_deals: np.ndarray  # deals/month the team can close (ramp x productivity x deals_per_rep_month)
    demand_deals: np.ndarray  # the funnel's won-deal rate offered to the team
    worked_deals: np.ndarray  # expected deals the reps close (demand they had capacity for)
    unworked_deals: np.ndarray  # demand beyond the capacity of the reps it was routed to
    hires_started: np.ndarray  # planned hires starting by month
    backfills_started: np.ndarray
    leavers: np.ndarray  # reps whose last month it was
    seat_deals: np.ndarray  # (trials, seats) won deals in the target period
    seat_revenue: np.ndarray  # (trials, seats) revenue in the target period
    seat_credit: np.ndarray  # (trials, seats) share of a full period quota the seat carries
    mean_deal_value: float = field(default=0.0)

    @property
    def metric(self) -> str:
        return self.scenario.target.metric

    @property
    def seat_bookings(self) -> np.ndarray:
        """(trials, seats) bookings in the target's unit (revenue, or won deals)."""
        return self.seat_revenue if self.metric == "revenue" else self.seat_deals.astype(np.float32)

    def team_bookings(self) -> np.ndarray:
        """(trials,) team total over the target period, in the target's unit."""
        return self.seat_bookings.sum(axis=1, dtype=float)

    def team_revenue(self) -> np.ndarray:
        return self.seat_revenue.sum(axis=1, dtype=float)


def seat_layout(team: TeamPlan, horizon: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(start month, tenure at start, label) per seat; hires planned beyond the horizon never start."""
    starts, tenures, labels = [], [], []
    for group in team.current_reps:
        for _ in range(group.count):
            starts.append(0)
            tenures.append(group.tenure_months)
            labels.append(f"Rep {len(labels) + 1} ({group.tenure_months} mo tenure)")
    for month, hires in enumerate(team.hiring_plan):
        for j in range(hires):
            starts.append(month if month < horizon else horizon)
            tenures.append(0)
            labels.append(f"Hire month {month + 1} #{j + 1}")
    return np.asarray(starts, dtype=np.int32), np.asarray(tenures, dtype=np.int32), labels


def productivity_params(cv: float) -> tuple[float, float]:
    """(mu, sigma) of a lognormal with mean 1 and coefficient of variation cv."""
    sigma2 = float(np.log1p(cv**2))
    return -sigma2 / 2.0, float(np.sqrt(sigma2))


def simulate_team(
    scenario: Scenario,
    funnel: SimulationResult,
    *,
    team: TeamPlan | None = None,
    seed: int | None = None,
    trials: int | None = None,
    through_period: bool = False,
    cell_budget: int = CELL_BUDGET,
) -> TeamResult:
    """Route the funnel's deals to the team, trial by trial. Same inputs and seed -> same arrays.

    `team` overrides `scenario.team` (for what-ifs on the same funnel draws: common random numbers).
    `trials` uses only the funnel's first trials; `through_period` stops at the end of the target
    period (enough for attainment and the plan; used by searches for speed).
    """
    team = team if team is not None else scenario.team
    if team is None:
        raise ValueError("the scenario has no team; add a TeamPlan to simulate capacity")
    seed = int(seed if seed is not None else funnel.seed)
    start, stop = scenario.target_months()
    demand = np.asarray(funnel.won_mean, dtype=float)[:trials, : stop if through_period else None]
    trials, horizon = demand.shape
    starts, tenures, labels = seat_layout(team, horizon)
    seats = len(starts)
    chunk = max(1, min(trials, cell_budget // seats))
    monthly = {k: np.zeros((trials, horizon)) for k in ("ramped", "capacity", "worked", "unworked")}
    counts = {k: np.zeros((trials, horizon), dtype=np.int32) for k in ("headcount", "hires", "backfills", "leavers")}
    seat_deals = np.empty((trials, seats), dtype=np.int32)
    seat_revenue = np.empty((trials, seats), dtype=np.float32)
    seat_credit = np.empty((trials, seats), dtype=np.float32)
    root = np.random.SeedSequence([seed, TEAM_STREAM])
    chunk_seqs = root.spawn(-(-trials // chunk))
    for c, seq in enumerate(chunk_seqs):
        lo, hi = c * chunk, min(trials, (c + 1) * chunk)
        out = _simulate_chunk(
            team,
            demand[lo:hi],
            starts,
            tenures,
            (start, stop),
            np.random.default_rng(seq),
            first_month_hires=team.hiring_plan[0] if team.hiring_plan else 0,
        )
        for key in monthly:
            monthly[key][lo:hi] = out[key]
        for key in counts:
            counts[key][lo:hi] = out[key]
        seat_deals[lo:hi] = out["deals"]
        seat_credit[lo:hi] = out["credit"]
        normals = np.random.default_rng(seq.spawn(1)[0]).standard_normal(out["deals"].shape)
        seat_revenue[lo:hi] = revenue_for_deals(
            out["deals"], normals, scenario.deal_size.median, scenario.deal_size.p90
        )
    mu, sigma = lognormal_params(scenario.deal_size.median, scenario.deal_size.p90)
    return TeamResult(
        scenario=scenario,
        team=team,
        trials=trials,
        seed=seed,
        months=list(funnel.months)[:horizon],
        seat_labels=labels,
        period=slice(start, stop),
        headcount=counts["headcount"],
        ramped_equivalents=monthly["ramped"],
        capacity_deals=monthly["capacity"],
        demand_deals=demand,
        worked_deals=monthly["worked"],
        unworked_deals=monthly["unworked"],
        hires_started=counts["hires"],
        backfills_started=counts["backfills"],
        leavers=counts["leavers"],
        seat_deals=seat_deals,
        seat_revenue=seat_revenue,
        seat_credit=seat_credit,
        mean_deal_value=float(np.exp(mu + sigma**2 / 2)),
    )


def _simulate_chunk(
    team: TeamPlan,
    demand: np.ndarray,
    starts: np.ndarray,
    tenures: np.ndarray,
    period: tuple[int, int],
    rng: np.random.Generator,
    first_month_hires: int = 0,
) -> dict[str, np.ndarray]:
    """One block of trials: the month loop is vectorised over (trials, seats).

    State per seat: `level` = tenure month of the rep in seat (1 = first month), capped at the end of the
    ramp (all later months are fully productive), 0 = empty; the ramp is then a table lookup
    ramp_table[level]. `stay` = months the rep in seat will still work, drawn once when the rep starts
    (geometric: leaving each month with probability h after working it, the same law as a monthly draw).
    """
    n, horizon = demand.shape
    seats = len(starts)
    full = len(team.ramp_curve) + 1  # level meaning "fully ramped"
    ramp_table = np.concatenate([[0.0], np.asarray(team.ramp_curve, dtype=float), [1.0]]).astype(np.float32)
    mu, sigma = productivity_params(team.productivity_spread)
    # deals/month at full ramp for each rep: deals_per_rep_month x lognormal multiplier (mean 1)
    full_capacity = (
        team.deals_per_rep_month
        * (np.exp(mu + sigma * rng.standard_normal((n, seats))) if sigma > 0 else np.ones((n, seats)))
    ).astype(np.float32)
    territory = None
    if team.routing == "territory":
        t_mu, t_sigma = productivity_params(team.territory_skew)
        territory = np.exp(t_mu + t_sigma * rng.standard_normal((n, seats))).astype(np.float32)
    level = np.broadcast_to(np.where(starts == 0, np.minimum(tenures + 1, full), 0), (n, seats)).astype(np.intp)
    hazard = team.monthly_leave_probability
    cap_stay = horizon + 1  # a stay longer than the horizon never ends inside it

    def draw_stays(size) -> np.ndarray:
        return np.minimum(rng.geometric(hazard, size), cap_stay).astype(np.int16)

    stay = draw_stays((n, seats)) if hazard > 0 else None
    wait = np.full((n, seats), -1, dtype=np.int16)  # months until a backfill starts; -1 = none pending
    refills = team.backfill and hazard > 0
    worked_in_period = np.zeros((n, seats), dtype=np.float32)
    credit = np.zeros((n, seats), dtype=np.float32)
    out = {k: np.zeros((n, horizon)) for k in ("ramped", "capacity", "worked", "unworked")}
    out.update({k: np.zeros((n, horizon), dtype=np.int32) for k in ("headcount", "hires", "backfills", "leavers")})
    out["hires"][:, 0] = first_month_hires
    for m in range(horizon):
        if m > 0:
            hired = starts == m
            if hired.any():
                level[:, hired] = 1
                out["hires"][:, m] = int(hired.sum())
            if refills:
                backfilled = wait == 0
                count = np.count_nonzero(backfilled, axis=1)
                if count.any():
                    level[backfilled] = 1
                    total = int(count.sum())
                    fresh = np.exp(mu + sigma * rng.standard_normal(total)) if sigma > 0 else 1.0
                    full_capacity[backfilled] = team.deals_per_rep_month * fresh
                    stay[backfilled] = draw_stays(total)
                    out["backfills"][:, m] = count
                wait = np.where(backfilled, -1, wait - (wait > 0)).astype(np.int16, copy=False)
        active = level > 0
        ramp_now = ramp_table[level]
        capacity = ramp_now * full_capacity
        out["headcount"][:, m] = np.count_nonzero(active, axis=1)
        out["ramped"][:, m] = ramp_now.sum(axis=1, dtype=float)
        total_capacity = capacity.sum(axis=1, dtype=float)
        out["capacity"][:, m] = total_capacity
        if team.routing == "capacity":
            # shares proportional to capacity: every rep works the same fraction `fill` of its capacity,
            # so the rep-level minimum reduces to one per trial (exact, and much cheaper)
            fill = np.minimum(np.divide(demand[:, m], total_capacity, out=np.zeros(n), where=total_capacity > 0), 1.0)
            worked = None  # capacity x fill, formed only in the target period
            worked_total = total_capacity * fill
            out["unworked"][:, m] = demand[:, m] - worked_total
        else:
            weight = active if team.routing == "equal" else territory * active
            total_weight = weight.sum(axis=1)
            per_weight = np.divide(
                demand[:, m].astype(np.float32), total_weight, out=np.zeros(n, dtype=np.float32), where=total_weight > 0
            )
            routed = weight * per_weight[:, None]  # the rep's share of the month's deals
            worked = np.minimum(routed, capacity)
            worked_total = worked.sum(axis=1, dtype=float)
            # routed beyond capacity; with nobody in seat the whole month's demand goes unworked
            out["unworked"][:, m] = np.where(total_weight > 0, (routed - worked).sum(axis=1, dtype=float), demand[:, m])
        out["worked"][:, m] = worked_total
        if period[0] <= m < period[1]:
            worked_in_period += worked if worked is not None else capacity * fill[:, None].astype(np.float32)
            credit += ramp_now if team.ramped_quota else active
        np.minimum(level + active, full, out=level)  # one more month of tenure (empty seats stay 0)
        if stay is not None:
            leaving = active & (stay == 1)  # this was the rep's last month
            out["leavers"][:, m] = np.count_nonzero(leaving, axis=1)
            stay -= active
            level *= ~leaving
            if refills:
                wait = np.where(leaving, team.backfill_delay_months, wait).astype(np.int16, copy=False)
    out["deals"] = rng.poisson(worked_in_period)
    out["credit"] = credit / max(period[1] - period[0], 1)
    return out
