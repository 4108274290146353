"""`python -m simulate calibrate CRM.csv --as-of DATE [--monthly FILE] [--window N] [--deal-size MEDIAN:P90]`.

Prints the scenario calibrated from the CRM export (and the monthly marketing table) as of the date, with every
value's source (rows used, window, method) and any message about the data. Bad input: exit 2 and one line.
"""

from __future__ import annotations

import argparse
import json
import sys


def add_data_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments shared by `calibrate` and `plan`."""
    p.add_argument("opportunities", help="CRM export of opportunities (CSV or .xlsx)")
    p.add_argument("--as-of", required=True, help="calibrate on what was known on this date, YYYY-MM-DD")
    p.add_argument("--monthly", default=None, help="monthly marketing table (the scorecard's --monthly format)")
    p.add_argument("--window", type=int, default=6, help="months of closed deals behind the rates (default 6)")
    p.add_argument("--deal-size", default=None, metavar="MEDIAN:P90", help="deal size when the export has no amounts")
    p.add_argument(
        "--volume", choices=["trend", "forecast"], default="trend", help="volume at the top: trend or forecast paths"
    )
    p.add_argument(
        "--date-format", default=None, help="date format when the dates are ambiguous, e.g. D/M/YYYY or M/D/YYYY"
    )
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN", help="map a field to a file column")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("calibrate", help="calibrate a funnel scenario from a CRM export (JSON with sources)")
    add_data_arguments(p)
    p.set_defaults(func=cmd_calibrate)


def calibrated(args: argparse.Namespace):
    """Import the files named on the command line and calibrate; every problem is a UsageError (one line)."""
    import crm
    from simulate.cli.common import UsageError
    from simulate.cli.pipeline import _date, _import
    from simulate.plan import PlanInputError, calibrate_plan

    try:
        imported = _import(args)
    except crm.CrmImportError as exc:
        raise UsageError(f"{args.opportunities}: {exc.message}") from None
    _check_amounts(imported)
    monthly = None
    if args.monthly:
        from kpi.tables import TableError, read_monthly

        try:
            monthly = read_monthly(args.monthly).frame
        except (TableError, OSError) as exc:
            raise UsageError(f"{args.monthly}: {exc}") from None
    if not 0 <= args.seed < 2**32:
        raise UsageError(f"--seed must be between 0 and 4294967295 (got {args.seed})")
    try:
        cal = calibrate_plan(
            imported.opportunities,
            _date(args.as_of),
            monthly=monthly,
            window_months=args.window,
            deal_size=_deal_size(args.deal_size),
            volume=args.volume,
            seed=args.seed,
        )
    except PlanInputError as exc:
        raise UsageError(f"{exc.field}: {exc.message}") from None
    return imported, cal


def _check_amounts(imported) -> None:
    """The importer leaves out won deals without an amount; when that is all of them, say so (and what to do)."""
    from simulate.cli.common import UsageError
    from simulate.plan import missing_amounts_message

    message = missing_amounts_message(imported.report, imported.opportunities)
    if message:
        raise UsageError(f"{message} (--map amount=COLUMN, --deal-size MEDIAN:P90)")


def _deal_size(text: str | None) -> tuple[float, float] | None:
    from simulate.cli.common import UsageError

    if text is None:
        return None
    median, sep, p90 = text.partition(":")
    try:
        values = (float(median), float(p90 if sep else median))
    except ValueError:
        raise UsageError(f"--deal-size must look like MEDIAN:P90, e.g. 2500:6000 (got {text!r})") from None
    if not (values[0] > 0 and values[1] >= values[0] and all(v < 1e10 for v in values)):
        raise UsageError(f"--deal-size needs 0 < median <= P90 (got {text!r})")
    return values


def cmd_calibrate(args: argparse.Namespace) -> int:
    imported, cal = calibrated(args)
    payload = cal.to_dict()
    payload["import"] = {
        "rows_read": imported.rows_read,
        "opportunities": len(imported.opportunities),
        "excluded": len(imported.excluded),
        "repaired": len(imported.repaired),
    }
    print(json.dumps(payload, indent=2, default=float))
    return 0


if __name__ == "__main__":  # pragma: no cover
    from simulate.cli.parser import main

    sys.exit(main(["calibrate", *sys.argv[1:]]))
