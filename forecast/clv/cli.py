"""`python -m forecast clv ...`: fit BG/NBD (+ Gamma-Gamma) on a customer summary or a raw transaction log.

Wired into the forecast CLI by `from forecast.clv.cli import register; register(subparsers)`.
Bad input exits with status 2 and one line naming the problem.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `clv` sub-command to an argparse sub-parser collection."""
    parser = subparsers.add_parser(
        "clv",
        help="fit BG/NBD, Pareto/NBD and Gamma-Gamma customer-lifetime models",
        description=(
            "Fit repeat-purchase models by maximum likelihood. Give either a per-customer summary "
            "(columns x, t_x, T and optionally zbar) or a raw transaction log "
            "(columns customer, date, amount) with a calibration end date."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--summary", metavar="FILE.csv", help="per-customer summary: x, t_x, T[, zbar]")
    source.add_argument("--transactions", metavar="FILE.csv", help="transaction log: customer, date, amount")
    parser.add_argument("--calibration-end", metavar="DATE", help="last day of the calibration period (YYYY-MM-DD)")
    parser.add_argument("--horizon", type=float, default=39.0, help="forecast horizon in weeks (default 39)")
    parser.add_argument("--margin", type=float, default=1.0, help="gross margin applied to spend for CLV (0-1]")
    parser.add_argument("--annual-discount", type=float, default=0.10, help="annual discount rate for CLV")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the `clv` command; returns the process exit code."""
    from forecast.clv.report import InputError, clv_report, format_report

    try:
        report = clv_report(
            summary_path=args.summary,
            transactions_path=args.transactions,
            calibration_end=args.calibration_end,
            horizon_weeks=args.horizon,
            margin=args.margin,
            annual_discount=args.annual_discount,
        )
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (`python -m forecast.clv.cli`), used before the forecast CLI wires us in."""
    parser = argparse.ArgumentParser(prog="forecast")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
