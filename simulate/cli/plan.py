"""`python -m simulate plan CRM.csv --as-of DATE --months N [--monthly FILE] [--target X] [--trials T --seed S] --json`.

Calibrates the funnel from the CRM export as of the date (see `calibrate`), then simulates the next N months:
the deals open on that date plus new deals created after it, in the same trials. --json prints one object whose
`months` list holds, per month, `month` ("YYYY-MM"), `bookings` and `won_deals` (mean, p10, p50, p90) and
`existing` / `new` bookings means; also quarters, the target's chance and per-rep totals.
"""

from __future__ import annotations

import argparse
import json
import sys

from simulate.cli.calibrate import add_data_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("plan", help="bookings for every month ahead from a CRM export: open + new pipeline")
    add_data_arguments(p)
    p.add_argument("--months", type=int, default=12, help="months to plan, 1-24 (default 12)")
    p.add_argument("--target", type=float, default=None, help="bookings target (currency) over --target-period")
    p.add_argument(
        "--target-period",
        default="horizon",
        metavar="horizon|quarter:N|month:N",
        help="period of the target: the whole plan (default), quarter N or month N of the plan",
    )
    p.add_argument("--trials", type=int, default=10_000, help="Monte Carlo trials (default 10,000)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="INPUT=VALUE",
        help="what-if on a calibrated input, e.g. --set win_rate=0.6 --set deal_median=1500",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_plan)


def _target(args: argparse.Namespace):
    from simulate.cli.common import UsageError
    from simulate.scenario import Target

    if args.target is None:
        return None
    if not (args.target > 0 and args.target < 1e13):
        raise UsageError(f"--target must be a positive amount (got {args.target})")
    kind, _, index = args.target_period.partition(":")
    if kind == "horizon" and not index:
        return Target("revenue", float(args.target), "horizon", 1)
    if kind in ("quarter", "month") and index.isdigit():
        n = int(index)
        limit = args.months if kind == "month" else args.months // 3
        if not 1 <= n <= max(limit, 0):
            raise UsageError(f"--target-period {args.target_period}: the {args.months}-month plan has no {kind} {n}")
        return Target("revenue", float(args.target), kind, n)
    raise UsageError(f"--target-period must be horizon, quarter:N or month:N (got {args.target_period!r})")


def _overrides(items: list[str]) -> dict[str, float]:
    from simulate.cli.common import UsageError

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise UsageError(f"--set must look like INPUT=NUMBER (got {item!r})") from None
        if not sep:
            raise UsageError(f"--set must look like INPUT=NUMBER (got {item!r})")
    return out


def cmd_plan(args: argparse.Namespace) -> int:
    from simulate.cli.calibrate import calibrated
    from simulate.cli.common import UsageError
    from simulate.plan import PlanInputError, run_plan

    target = _target(args)
    overrides = _overrides(args.set)
    _, cal = calibrated(args)
    try:
        result = run_plan(cal, args.months, args.trials, args.seed, overrides=overrides, target=target)
    except PlanInputError as exc:
        raise UsageError(f"{exc.field}: {exc.message}") from None
    payload = result.to_dict()
    if args.json:
        print(json.dumps(payload, indent=2, default=float))
        return 0
    _print_text(result, payload)
    return 0


def _print_text(result, payload: dict) -> None:
    from kpi.wording import chance_in_10, money
    from simulate.plan import plan_sentence

    print(f"Plan as of {payload['as_of']} ({payload['trials']:,} trials, seed {payload['seed']})")
    for message in payload["messages"]:
        print(f"  note: {message}")
    for line in result.calibration.notes:
        print(f"  {line}")
    print(f"  {'month':8} {'P10':>9} {'P50':>9} {'P90':>9} {'mean':>9} {'open':>9} {'new':>9}")
    for m in payload["months"]:
        b = m["bookings"]
        print(
            f"  {m['month']:8} {money(b['p10']):>9} {money(b['p50']):>9} {money(b['p90']):>9} {money(b['mean']):>9} "
            f"{money(m['existing']):>9} {money(m['new']):>9}"
        )
    t = payload["target"]
    print(f"  target {money(t['value'])} over {t['months']}: chance {t['chance']:.1%} ({chance_in_10(t['chance'])})")
    print(plan_sentence(result))


if __name__ == "__main__":  # pragma: no cover
    from simulate.cli.parser import main

    sys.exit(main(["plan", *sys.argv[1:]]))
