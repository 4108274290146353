"""Command line for the simulator: the same model as the app, headless.

    python -m simulate example > scenario.json
    python -m simulate run scenario.json --trials 10000 --seed 7 --json

Invalid input exits with status 2 and one line naming the field. Other subcommands (pipeline,
scorecard, report) register themselves through `register(subparsers)` in their own modules.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

from simulate.errors import ScenarioError
from simulate.scenario import Scenario


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def _read_scenario(path: str) -> Scenario:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"scenario file not found: {path}")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a text (UTF-8 JSON) file") from None
    return Scenario.from_json(text)


def cmd_example(args: argparse.Namespace) -> int:
    from simulate.scenario import default_scenario

    print(default_scenario().to_json())
    return 0


def run_payload(scenario: Scenario, trials: int, seed: int) -> dict:
    """The JSON object `run --json` prints (also used by reports)."""
    from simulate import engine, summary

    result = engine.run(scenario, trials=trials, seed=seed)
    head = summary.funnel_summary(result)
    payload = {"scenario": scenario.name, "trials": trials, "seed": seed, **head.to_dict()}
    for extend in RUN_EXTENSIONS:
        payload.update(extend(scenario, result))
    return payload


# Functions (scenario, result) -> dict that add sections to `run` output (e.g. the team's quota numbers).
RUN_EXTENSIONS: list[Callable] = []
RUN_EXTENSIONS.append(importlib.import_module("simulate.cli_team").team_run_extension)  # share at quota, commission
RUN_EXTENSIONS.append(importlib.import_module("simulate.economics_cli").economics_run_extension)  # CAC, LTV


def json_safe(value):
    """Strict JSON: numpy scalars become Python numbers, infinite or missing values become null."""
    import math

    import numpy as np

    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def cmd_run(args: argparse.Namespace) -> int:
    scenario = _read_scenario(args.scenario)
    trials = args.trials if args.trials is not None else scenario.trials
    seed = args.seed if args.seed is not None else scenario.seed
    if not 100 <= trials <= 2_000_000:
        raise UsageError(f"--trials must be between 100 and 2,000,000 (got {trials})")
    if not 0 <= seed < 2**32:
        raise UsageError(f"--seed must be between 0 and 4294967295 (got {seed})")
    payload = run_payload(scenario, trials, seed)
    if args.json:
        print(json.dumps(json_safe(payload), indent=2, allow_nan=False))
        return 0
    from simulate.wording import count, money

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulate", description="Sales & marketing funnel Monte Carlo")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("example", help="print the default scenario as JSON")
    p.set_defaults(func=cmd_example)
    p = sub.add_parser("run", help="simulate a scenario file and print the summary")
    p.add_argument("scenario", help="scenario JSON file (see `example`)")
    p.add_argument("--trials", type=int, default=None, help="number of Monte Carlo trials (default: the scenario's)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_run)
    for register in _registrars():
        register(sub)
    return parser


def _registrars() -> list[Callable]:
    """Subcommands living in other modules; each module exposes register(subparsers)."""
    return [importlib.import_module(name).register for name in EXTRA_COMMAND_MODULES]


# Modules that add subcommands (pipeline, scorecard, report). Add yours here.
EXTRA_COMMAND_MODULES: list[str] = ["simulate.cli_pipeline", "simulate.cli_scorecard", "simulate.cli_report"]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ScenarioError as exc:
        print(f"error: {exc.field}: {exc.message}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
