"""A plain reference team simulation, written independently of simulate/capacity/model.py.

One trial at a time, one rep at a time, in Python scalars: seats, ramp, leavers and backfills, then the
funnel's own won deals of each trial-month routed by the documented rules (systematic split by routing
weight: round robin for equal weights; capacity taken in whole deals by random rounding; for capacity
routing, deals beyond a rep's capacity go to reps with spare capacity in seat order), and one lognormal
deal size drawn per worked deal. Slow but obvious:
the vectorised simulation must agree with it in distribution (tests) and beat it on speed (bench).
"""

from __future__ import annotations

import math

import numpy as np


def reference_team(scenario, won: np.ndarray, seed: int) -> dict:
    """Per-trial team deals and revenue in the target period, per-seat deals and quota credit, and the
    worked/unworked deals by month. `won` is the funnel's won deals (trials x months)."""
    team = scenario.team
    rng = np.random.default_rng(seed)
    trials, horizon = won.shape
    start, stop = scenario.target_months()
    seats = []  # (start month, tenure at start)
    for group in team.current_reps:
        seats += [(0, group.tenure_months)] * group.count
    for month, hires in enumerate(team.hiring_plan):
        seats += [(month, 0)] * hires
    hazard = 1 - (1 - team.attrition_annual) ** (1 / 12)
    sigma2 = math.log(1 + team.productivity_spread**2)
    deal_mu = math.log(scenario.deal_size.median)
    deal_sigma = math.log(scenario.deal_size.p90 / scenario.deal_size.median) / 1.2815515655446004
    out_deals = np.zeros((trials, len(seats)), dtype=int)
    out_revenue = np.zeros(trials)
    out_credit = np.zeros((trials, len(seats)))
    out_worked = np.zeros((trials, horizon), dtype=int)
    for t in range(trials):
        tenure = [tenure if begin == 0 else None for begin, tenure in seats]
        backfill_at = [None] * len(seats)
        skill = [rng.lognormal(-sigma2 / 2, math.sqrt(sigma2)) for _ in seats]
        worked = [0] * len(seats)
        for m in range(horizon):
            for i, (begin, _) in enumerate(seats):
                if m > 0 and begin == m:
                    tenure[i] = 0
                if backfill_at[i] == m:
                    tenure[i], backfill_at[i] = 0, None
                    skill[i] = rng.lognormal(-sigma2 / 2, math.sqrt(sigma2))
            ramp = [0.0 if k is None else (team.ramp_curve[k] if k < len(team.ramp_curve) else 1.0) for k in tenure]
            capacity = [team.deals_per_rep_month * r * s for r, s in zip(ramp, skill, strict=True)]
            if team.routing == "equal":
                weight = [0.0 if k is None else 1.0 for k in tenure]
            elif team.routing == "capacity":
                weight = capacity
            else:
                raise NotImplementedError("the reference covers equal and capacity routing")
            total = sum(weight)
            deals = int(won[t, m]) if total > 0 else 0
            cut = rng.random()
            running, edge_before, routed = 0.0, 0, []
            for i in range(len(seats)):
                running += weight[i]
                edge = deals if i == len(seats) - 1 else math.floor(deals * running / total + cut)
                routed.append(edge - edge_before)
                edge_before = edge
            whole = [math.floor(c + rng.random()) for c in capacity]
            taken = [min(r, w) for r, w in zip(routed, whole, strict=True)]
            if team.routing == "capacity":
                overflow = sum(routed) - sum(taken)
                for i in range(len(seats)):
                    extra = min(overflow, whole[i] - taken[i])
                    taken[i] += extra
                    overflow -= extra
            out_worked[t, m] = sum(taken)
            for i in range(len(seats)):
                if tenure[i] is None:
                    continue
                if start <= m < stop:
                    worked[i] += taken[i]
                    out_credit[t, i] += 1.0 / (stop - start)
            for i in range(len(seats)):
                if tenure[i] is None:
                    continue
                if rng.random() < hazard:
                    tenure[i] = None
                    if team.backfill:
                        backfill_at[i] = m + 1 + team.backfill_delay_months
                else:
                    tenure[i] += 1
        for i in range(len(seats)):
            out_deals[t, i] = worked[i]
            out_revenue[t] += sum(rng.lognormal(deal_mu, deal_sigma) for _ in range(worked[i]))
    return {"seat_deals": out_deals, "team_revenue": out_revenue, "seat_credit": out_credit, "worked": out_worked}
