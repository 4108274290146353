"""`python -m simulate run SCENARIO.json [--trials N] [--seed S] [--json]`: simulate a scenario file.

The JSON object holds `trials`, `seed`, `won_deals` and `revenue` (mean, p10, p50, p90 for the target
period) and `p_hit_target`, plus the team's and the economics plan's figures when the scenario has them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from simulate.cli.common import UsageError, json_safe, read_scenario
from simulate.cli.run_economics import economics_run_extension
from simulate.cli.run_team import team_run_extension
from simulate.scenario import MAX_TRIALS, Scenario


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("run", help="simulate a scenario file and print the summary")
    p.add_argument("scenario", help="scenario JSON file (see `example`)")
    p.add_argument("--trials", type=int, default=None, help="number of Monte Carlo trials (default: the scenario's)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_run)


def run_payload(scenario: Scenario, trials: int, seed: int) -> dict:
    """The JSON object `run --json` prints (also used by reports)."""
    from simulate.funnel import funnel_summary
    from simulate.funnel import run as run_funnel

    result = run_funnel(scenario, trials=trials, seed=seed)
    head = funnel_summary(result)
    payload = {"scenario": scenario.name, "trials": trials, "seed": seed, **head.to_dict()}
    for extend in RUN_EXTENSIONS:
        payload.update(extend(scenario, result))
    return payload


# Functions (scenario, result) -> dict that add sections to `run` output (e.g. the team's quota numbers).
RUN_EXTENSIONS: list[Callable] = []
RUN_EXTENSIONS.append(team_run_extension)  # share at quota, commission
RUN_EXTENSIONS.append(economics_run_extension)  # CAC, LTV


def cmd_run(args: argparse.Namespace) -> int:
    scenario = read_scenario(args.scenario)
    trials = args.trials if args.trials is not None else scenario.trials
    seed = args.seed if args.seed is not None else scenario.seed
    if not 100 <= trials <= MAX_TRIALS:
        raise UsageError(f"--trials must be between 100 and {MAX_TRIALS:,} (got {trials})")
    if not 0 <= seed < 2**32:
        raise UsageError(f"--seed must be between 0 and 4294967295 (got {seed})")
    payload = run_payload(scenario, trials, seed)
    if args.json:
        print(json.dumps(json_safe(payload), indent=2, allow_nan=False))
        return 0
    from kpi.wording import count, money

    won, rev = payload["won_deals"], payload["revenue"]
    print(f"Scenario: {scenario.name}  ({trials:,} trials, seed {seed})")
    print(f"Target period: {payload['period']}")
    print(
        f"  won deals  mean {count(won['mean'])}  P10 {count(won['p10'])}  P50 {count(won['p50'])}  P90 {count(won['p90'])}"
    )
    print(
        f"  revenue    mean {money(rev['mean'])}  P10 {money(rev['p10'])}  P50 {money(rev['p50'])}  P90 {money(rev['p90'])}"
    )
    print(f"  chance of hitting the target: {payload['p_hit_target']:.1%} (+/- {payload['p_hit_target_mc_se']:.1%})")
    print(payload["sentence"])
    return 0
