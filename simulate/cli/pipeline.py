"""`python -m simulate pipeline OPPORTUNITIES.csv --as-of DATE --period month|quarter [--json]`.

Imports a CRM export (CSV or .xlsx), calibrates on what was known at --as-of, and prints bookings and won
deals (mean, P10, P50, P90), plus the chance of reaching --target. --backtest prints the backtest scores.
Bad input exits with status 2 and one line saying what to fix.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("pipeline", help="forecast a month or quarter of bookings from a CRM opportunity export")
    p.add_argument("opportunities", help="CRM export of opportunities (CSV or .xlsx)")
    p.add_argument(
        "--as-of", default=None, help="forecast as of this date, YYYY-MM-DD (default: the export's last date)"
    )
    p.add_argument(
        "--period", choices=["month", "quarter"], default="quarter", help="the month or quarter after --as-of"
    )
    p.add_argument("--target", type=float, default=None, help="bookings target for the period (currency units)")
    p.add_argument("--trials", type=int, default=10_000, help="Monte Carlo trials (default 10,000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--segment", default="product", help="column the win rates are split by (default product)")
    p.add_argument(
        "--date-format", default=None, help="date format when the dates are ambiguous, e.g. D/M/YYYY or M/D/YYYY"
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="map a field to a file column, e.g. --map amount='Deal value' (fields: opportunity_id, owner, "
        "stage, amount, created_date, close_date, product, account)",
    )
    p.add_argument(
        "--lose",
        action="append",
        default=[],
        metavar="OPPORTUNITY_ID",
        help="treat this open deal as lost (repeatable)",
    )
    p.add_argument("--backtest", action="store_true", help="also replay history and print calibration scores")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_pipeline)


def _import(args: argparse.Namespace):
    import crm
    from simulate.cli.common import UsageError

    mapping = None
    if args.map:
        pairs = {}
        for item in args.map:
            field, sep, column = item.partition("=")
            if not sep or not column:
                raise UsageError(f"--map must look like FIELD=COLUMN (got {item!r})")
            pairs[field.strip()] = column.strip()
        raw = crm.read_table(args.opportunities)
        guess = crm.guess_mapping(raw.columns).to_dict()
        mapping = crm.ColumnMapping.from_dict({**guess, **pairs})
        source = raw
    else:
        source = args.opportunities
    try:
        return crm.load_opportunities(source, mapping=mapping, date_format=args.date_format)
    except crm.MappingNeeded as exc:
        fields = ", ".join(exc.missing)
        raise UsageError(
            f"could not find the column(s) for {fields}; pass --map FIELD=COLUMN (file columns: {', '.join(exc.columns)})"
        ) from None
    except crm.AmbiguousDateFormat as exc:
        raise UsageError(
            f"the dates could be {' or '.join(exc.candidates)}; pass --date-format {exc.candidates[0]} or --date-format {exc.candidates[-1]}"
        ) from None


def cmd_pipeline(args: argparse.Namespace) -> int:
    import crm
    from simulate.cli.common import UsageError
    from simulate.pipeline import export_date, forecast_pipeline

    try:
        result = _import(args)
    except crm.CrmImportError as exc:
        raise UsageError(f"{args.opportunities}: {exc.message}") from None
    opp = result.opportunities
    as_of = export_date(opp) if args.as_of is None else _date(args.as_of)
    if not 0 <= args.seed < 2**32:
        raise UsageError(f"--seed must be between 0 and 4294967295 (got {args.seed})")
    fc = forecast_pipeline(
        opp,
        as_of,
        args.period,
        trials=args.trials,
        seed=args.seed,
        target=args.target,
        lost_ids=args.lose,
        segment=args.segment,
    )
    payload = fc.to_dict()
    payload["import"] = {
        "rows_read": result.rows_read,
        "opportunities": len(opp),
        "excluded": len(result.excluded),
        "repaired": len(result.repaired),
        "date_format": result.date_format,
        "notes": list(result.notes),
    }
    if args.backtest:
        from simulate.pipeline import MAX_BACKTEST_MONTHS, backtest_origins, backtest_pipeline

        # the page's origins: those with data, at most the last MAX_BACKTEST_MONTHS months (bounded for any span)
        origins, skipped = backtest_origins(opp)
        if not origins:
            raise UsageError(
                "--backtest: no month-end has enough closed deals (5, one of them won) before it to replay; "
                "export more closed history"
            )
        payload["backtest"] = backtest_pipeline(
            opp, origins=origins, trials=min(args.trials, 2_000), seed=args.seed, segment=args.segment
        ).to_dict()
        if skipped:
            payload["notes"].append(
                f"backtest: {skipped} origin(s) skipped (too few closed deals before them, or more than "
                f"{MAX_BACKTEST_MONTHS} months before the export date)"
            )
    if args.json:
        print(json.dumps(payload, indent=2, default=float))
        return 0
    _print_text(fc, payload)
    return 0


def _date(text: str) -> pd.Timestamp:
    import datetime

    from simulate.cli.common import UsageError

    try:
        return pd.Timestamp(datetime.date.fromisoformat(text.strip()))
    except (ValueError, TypeError):
        raise UsageError(f"--as-of must be a date YYYY-MM-DD (got {text!r})") from None


def _print_text(fc, payload: dict) -> None:
    from kpi.wording import chance_in_10, count, money

    b, w = payload["bookings"], payload["won_deals"]
    imp = payload["import"]
    print(
        f"Imported {imp['opportunities']:,} of {imp['rows_read']:,} rows ({imp['excluded']:,} excluded, {imp['repaired']:,} repaired); dates {imp['date_format']}"
    )
    print(f"Forecast for {fc.period.label} as of {fc.as_of:%Y-%m-%d} ({fc.trials:,} trials, seed {fc.seed})")
    print(f"  bookings   mean {money(b['mean'])}  P10 {money(b['p10'])}  P50 {money(b['p50'])}  P90 {money(b['p90'])}")
    print(f"  won_deals  mean {count(w['mean'])}  P10 {count(w['p10'])}  P50 {count(w['p50'])}  P90 {count(w['p90'])}")
    print(
        f"  already booked {money(fc.booked_so_far)}; from existing pipeline {money(fc.existing.mean)}; from new pipeline {money(fc.new.mean)} (means)"
    )
    if fc.target is not None:
        print(f"  chance of reaching {money(fc.target)}: {fc.hit.p:.1%} ({chance_in_10(fc.hit.p)})")
    if "backtest" in payload:
        for s in payload["backtest"]["scores"]:
            print(
                f"  backtest {s['kind']:7} {s['origins']} origins: P10-P90 held the actual {s['coverage']:.0%}; "
                f"median error of P50 {s['mdape']:.0%} (naive model {s['naive_mdape']:.0%})"
            )


if __name__ == "__main__":  # pragma: no cover
    from simulate.cli.parser import main

    sys.exit(main(["pipeline", *sys.argv[1:]]))
