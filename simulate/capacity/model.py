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
- Demand: the funnel's own won deals in that trial-month (`SimulationResult.won`: one future per trial,
  the same draws the funnel page shows). They are routed among reps in seat by routing weight:
  equal: round robin (each rep gets N / reps, rounded up or down, with a random starting rep);
  capacity: in proportion to capacity the same way, and deals beyond a rep's capacity go to reps with
  spare capacity (so nothing is lost until the whole team is full); territory: each deal lands in a
  territory at random with probability proportional to a fixed lognormal territory size per seat
  (multinomial). A rep's capacity in a month is deals_per_rep_month x ramp x multiplier, taken in whole
  deals by random rounding (3.4 -> 4 with probability 0.4, else 3). Each rep works min(routed, capacity);
  the excess is "unworked" (lost for lack of capacity). Deals are conserved exactly: the funnel's won
  deals = worked + unworked in every trial-month.
- Revenue: a rep's deals are the funnel's deals of that cell (consecutive pieces of the cell's deal
  sequence, simulate.funnel.SimulationResult.deal_revenue), so the team's worked revenue equals the
  funnel's revenue in every trial-month where capacity does not bind.

Only per-trial and per-trial-seat aggregates are kept (never trials x months x reps).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulate.funnel import SimulationResult, deal_pool, lognormal_params
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
    ramped_equivalents: np.ndarray  # float32: sum of ramp over reps in seat (fully ramped rep equivalents)
    capacity_deals: np.ndarray  # float32: deals/month the team can close (ramp x productivity x deals_per_rep_month)
    demand_deals: np.ndarray  # int: the funnel's won deals in the trial-month (the same draws as the funnel page)
    worked_deals: np.ndarray  # int32: deals the reps close (those they had capacity for)
    unworked_deals: np.ndarray  # int32: deals beyond the capacity of the reps they were routed to
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
    won, offsets, medians, pool = _funnel_deals(scenario, funnel, trials, stop if through_period else None, seed)
    trials, horizon = won.shape
    starts, tenures, labels = seat_layout(team, horizon)
    seats = len(starts)
    chunk = max(1, min(trials, cell_budget // seats))
    # float32 capacity and whole-deal int32 counts: a 1,000,000-trial run keeps these in memory (issue 12)
    monthly = {k: np.zeros((trials, horizon), dtype=np.float32) for k in ("ramped", "capacity")}
    monthly.update({k: np.zeros((trials, horizon), dtype=np.int32) for k in ("worked", "unworked")})
    # int16: seats (reps including hires) are at most MAX_REPS = 5,000
    counts = {k: np.zeros((trials, horizon), dtype=np.int16) for k in ("headcount", "hires", "backfills", "leavers")}
    seat_deals = np.empty((trials, seats), dtype=np.int32)
    seat_revenue = np.empty((trials, seats), dtype=np.float32)
    seat_credit = np.empty((trials, seats), dtype=np.float32)
    root = np.random.SeedSequence([seed, TEAM_STREAM])
    chunk_seqs = root.spawn(-(-trials // chunk))
    for c, seq in enumerate(chunk_seqs):
        lo, hi = c * chunk, min(trials, (c + 1) * chunk)
        out = _simulate_chunk(
            team,
            _Deals(won[lo:hi], offsets[lo:hi], medians[lo:hi], pool),
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
        seat_revenue[lo:hi] = out["revenue"]
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
        demand_deals=won,  # the funnel's own array (a view, not a copy)
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


@dataclass(frozen=True)
class _Deals:
    """A block of trials' won deals by month and where their sizes are read (the funnel's per-deal draws)."""

    won: np.ndarray  # (n, months) int
    offsets: np.ndarray  # (n, months) window starts in the pool
    medians: np.ndarray  # (n,) the trial's median deal size
    pool: object  # simulate.funnel.DealPool

    def revenue(self, month: int, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """(n, seats) revenue of deals first..stop-1 of each trial's cell in `month`."""
        return self.medians[:, None] * self.pool.window_sum(self.offsets[:, month, None], first, stop)


def _funnel_deals(scenario: Scenario, funnel, trials: int | None, stop: int | None, seed: int):
    """The funnel's won deals, pool offsets, per-trial medians and pool, first `trials` trials, months < stop.

    A stand-in funnel that carries only `won_mean` (tests, old callers) gets Poisson counts drawn here.
    """
    won = getattr(funnel, "won", None)
    offsets = getattr(funnel, "deal_offset", None)
    if won is not None and offsets is not None and getattr(funnel, "pool", None) is not None:
        return (
            np.asarray(won)[:trials, :stop],
            np.asarray(offsets)[:trials, :stop],
            np.asarray(funnel.deal_median)[:trials],
            funnel.pool,
        )
    mean = np.asarray(funnel.won_mean, dtype=float)[:trials, :stop]
    rng = np.random.default_rng(np.random.SeedSequence([seed, TEAM_STREAM, 1]))
    _, sigma = lognormal_params(scenario.deal_size.median, scenario.deal_size.p90)
    pool = deal_pool(seed, sigma)
    offsets = rng.integers(0, pool.size, mean.shape).astype(np.int32)
    return rng.poisson(mean), offsets, np.full(len(mean), scenario.deal_size.median), pool


def _split(rng: np.random.Generator, deals: np.ndarray, weight: np.ndarray, random_lands: bool) -> np.ndarray:
    """(n, seats) whole deals per rep: the month's `deals` split by `weight` (rows may sum to 0).

    random_lands: each deal lands independently with probability proportional to weight (multinomial, as
    conditional binomials seat by seat); otherwise a systematic split (round robin for equal weights):
    rep r gets floor(N c_r + U) - floor(N c_(r-1) + U) with c the cumulative weight share, one U per trial.
    """
    n, seats = weight.shape
    total = weight.sum(axis=1, dtype=float)
    safe = np.where(total > 0, total, 1.0)
    if not random_lands:
        cum = np.cumsum(weight, axis=1, dtype=float) / safe[:, None]
        edges = np.floor(deals[:, None] * cum + rng.random(n)[:, None]).astype(np.int64)
        edges[:, -1] = np.where(total > 0, deals, 0)
        return np.diff(edges, axis=1, prepend=0)
    out = np.zeros((n, seats), dtype=np.int64)
    left = np.where(total > 0, deals, 0).astype(np.int64)
    left_weight = total.copy()
    for r in range(seats):
        w = weight[:, r].astype(float)
        p = np.clip(np.divide(w, left_weight, out=np.zeros(n), where=left_weight > 0), 0.0, 1.0)
        out[:, r] = rng.binomial(left, p)
        left -= out[:, r]
        left_weight -= w
    return out


def _simulate_chunk(
    team: TeamPlan,
    deals: _Deals,
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
    n, horizon = deals.won.shape
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
    worked_in_period = np.zeros((n, seats), dtype=np.int64)
    revenue_in_period = np.zeros((n, seats))
    credit = np.zeros((n, seats), dtype=np.float32)
    out = {k: np.zeros((n, horizon)) for k in ("ramped", "capacity")}
    out.update({k: np.zeros((n, horizon), dtype=np.int64) for k in ("worked", "unworked")})
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
        won = deals.won[:, m].astype(np.int64)
        weight = active if team.routing == "equal" else (capacity if team.routing == "capacity" else territory * active)
        routed = _split(rng, won, weight, random_lands=team.routing == "territory")
        whole = np.floor(capacity + rng.random((n, seats), dtype=np.float32)).astype(np.int64)  # random rounding
        worked = np.minimum(routed, whole)
        if team.routing == "capacity":  # deals beyond a rep's capacity go to reps with spare capacity, in seat order
            overflow = (routed - worked).sum(axis=1)
            spare = whole - worked
            before = np.cumsum(spare, axis=1) - spare
            worked += np.clip(overflow[:, None] - before, 0, spare)
        worked_total = worked.sum(axis=1)
        out["worked"][:, m] = worked_total
        out["unworked"][:, m] = won - worked_total
        if period[0] <= m < period[1]:
            worked_in_period += worked
            stop = np.cumsum(worked, axis=1)  # rep r's deals are pieces [stop - worked, stop) of the cell's deals
            revenue_in_period += deals.revenue(m, stop - worked, stop)
            credit += ramp_now if team.ramped_quota else active
        np.minimum(level + active, full, out=level)  # one more month of tenure (empty seats stay 0)
        if stay is not None:
            leaving = active & (stay == 1)  # this was the rep's last month
            out["leavers"][:, m] = np.count_nonzero(leaving, axis=1)
            stay -= active
            level *= ~leaving
            if refills:
                wait = np.where(leaving, team.backfill_delay_months, wait).astype(np.int16, copy=False)
    out["deals"] = worked_in_period
    out["revenue"] = revenue_in_period
    out["credit"] = credit / max(period[1] - period[0], 1)
    return out
