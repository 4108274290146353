"""Command line: forecast a metric from a monthly history file and show the backtest.

    python -m forecast run HISTORY.csv --metric leads --h 12 [--json] [--model auto]
    python -m forecast run --crm --metric won_deals --h 6
    python -m forecast clv ...            (customer lifetime value, forecast/clv/cli.py)

Bad input: exit status 2 and one line on stderr naming the problem.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import pandas as pd

from forecast.auto import MODEL_LABELS, MODEL_NAMES
from forecast.backtest import forecast_with_backtest
from forecast.history import HistoryError, prepare_series, read_history
from forecast.models import ForecastInputError

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, status 2
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m forecast", description="Monthly forecasts with intervals and backtests")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = subparsers.add_parser("run", help="forecast one metric of a monthly history file")
    run.add_argument("history", nargs="?", help="CSV or Excel file: a date column and metric columns")
    run.add_argument("--crm", action="store_true", help="use the monthly history derived from the bundled CRM data")
    run.add_argument("--metric", required=True, help="metric column to forecast, e.g. leads")
    run.add_argument("--h", type=int, default=12, help="months ahead (1-120, default 12)")
    run.add_argument(
        "--model",
        default="auto",
        choices=("auto", *MODEL_NAMES),
        help="auto (default): the combination unless another model clearly beat it in the backtest; or a named model",
    )
    run.add_argument("--date-column", help="name of the date column (default: detected)")
    run.add_argument("--origins", type=int, default=4, help="backtest origins, 3 months apart (default 4)")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.set_defaults(func=cmd_run)
    try:  # the CLV subcommand lives in forecast/clv, built separately
        from forecast.clv.cli import register
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("forecast.clv"):
            raise
    else:
        register(subparsers)
    return parser


def _finite(x):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def cmd_run(args) -> int:
    if args.crm == bool(args.history):
        raise HistoryError("give a history file or --crm (one of them)")
    if not 1 <= args.h <= 120:
        raise ForecastInputError(f"--h must be from 1 to 120 months (got {args.h})")
    if args.crm:
        from forecast.crm_history import crm_monthly_history

        frame, issues = crm_monthly_history()
    else:
        try:
            frame, issues = read_history(args.history, date_column=args.date_column)
        except FileNotFoundError as exc:
            raise HistoryError(f"no such file: {args.history}") from exc
    series, more = prepare_series(frame, args.metric)
    issues = issues + more
    outcome = forecast_with_backtest(series, args.h, args.model, n_origins=args.origins)
    result, bt, why, said = outcome.result, outcome.backtest, outcome.why, outcome.verdict
    frame_out = result.frame(args.h)
    summary = bt.summary()
    if args.json:
        out = {
            "metric": args.metric,
            "h": args.h,
            "model": result.model_name,
            "model_label": MODEL_LABELS.get(result.model_name, result.model_name),
            "description": result.description,
            "why": why,
            "fallbacks": result.fallbacks,
            "messages": result.messages,
            "verdict": said,
            "issues": [
                {"severity": i.severity, "row": i.row, "column": i.column, "message": i.message} for i in issues
            ],
            "forecast": [
                {"period": str(p), **{c: float(v) for c, v in row.items()}} for p, row in frame_out.iterrows()
            ],
            "backtest": {m: {c: _finite(float(v)) for c, v in r.items()} for m, r in summary.iterrows()},
            "backtest_failures": bt.failures,
        }
        print(json.dumps(out, indent=2))
        return 0
    for issue in issues:
        print(issue)
    print(
        f"\nForecast of '{args.metric}', {args.h} months: {MODEL_LABELS.get(result.model_name)} "
        f"[{result.description}] ({why})"
    )
    for line in result.fallbacks + result.messages:
        print(f"  note: {line}")
    with pd.option_context("display.width", 120, "display.max_rows", 200):
        print(frame_out.round(2).to_string())
        print(f"\nBacktest ({args.origins} origins 3 months apart, refit at each):")
        print(summary.round(3).to_string())
    print(said)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    from forecast.threads import limit_blas_threads

    limit_blas_threads()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (HistoryError, ForecastInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
