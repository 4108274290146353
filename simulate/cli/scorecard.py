"""`python -m simulate scorecard`: the weekly KPI scorecard a manager gets by mail.

    python -m simulate scorecard OPPORTUNITIES.csv [--activities FILE.csv] [--monthly FILE.csv]
        [--standards FILE.json] [--quota 45000] [--scenario SCENARIO.json] --out scorecard.xlsx [--csv FILE] [--json]

Standards default to the bundled starting set; `--standards` reads a standards file, a scenario file
with a standards section, or an exported scorecard workbook (.xlsx). The chance of meeting each team
standard next period comes from a run of the scenario (the default scenario unless --scenario is given).
Bad input exits with status 2 and one line saying what to fix.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from simulate.cli.common import UsageError


def register(subparsers) -> None:
    p = subparsers.add_parser("scorecard", help="KPI scorecard from a CRM export (Excel, CSV or JSON)")
    p.add_argument("opportunities", help="CRM opportunity export (CSV or Excel)")
    p.add_argument("--activities", help="activity log CSV: rep, date (YYYY-MM-DD), type[, response_minutes, prospect]")
    p.add_argument("--monthly", help="monthly KPI table CSV: month (YYYY-MM) and team totals (leads, mqls, spend, ...)")
    p.add_argument("--standards", help="standards JSON (or a scenario JSON, or an exported scorecard .xlsx)")
    p.add_argument(
        "--quota", type=float, default=None, help="quota per rep per month, in currency (for quota attainment)"
    )
    p.add_argument(
        "--date-format", default=None, help="date format of the CRM file when it is ambiguous, e.g. M/D/YYYY"
    )
    p.add_argument("--scenario", help="scenario JSON for the chance of meeting team standards next period")
    p.add_argument(
        "--trials", type=int, default=2_000, help="Monte Carlo trials for the chance next period (default 2000)"
    )
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.add_argument("--window", type=int, default=6, help="periods of history used for attainability (default 6)")
    p.add_argument("--out", help="write the scorecard workbook (.xlsx) here")
    p.add_argument("--csv", help="also write the scorecard as CSV here")
    p.add_argument("--json", action="store_true", help="print the numbers as one JSON object")
    p.set_defaults(func=cmd_scorecard)


def _file(path: str, what: str) -> Path:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{what} not found: {path}")
    return file


def _standards(path: str | None):
    from simulate.scenario import StandardSet, default_standards

    if path is None:
        return default_standards()
    file = _file(path, "standards file")
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        from report.scorecard_xlsx import read_standards_xlsx

        return read_standards_xlsx(file)
    return StandardSet.from_json(file.read_bytes())


def _tables(args):
    import crm
    from kpi.compute import Tables
    from kpi.tables import TableError
    from simulate.standards import uploaded_tables

    try:
        imported = crm.load_opportunities(_file(args.opportunities, "opportunities file"), date_format=args.date_format)
    except crm.CrmImportError as exc:
        raise UsageError(f"{args.opportunities}: {exc.message}") from None
    notes = [f"Opportunities from {Path(args.opportunities).name}: {imported.accounting}"]
    activities = monthly = None
    # the same readers as the page: the shared bounded reader and number reader ("1.234,50" is 1234.5)
    activity_bytes = _file(args.activities, "activity log").read_bytes() if args.activities else None
    monthly_bytes = _file(args.monthly, "monthly table").read_bytes() if args.monthly else None
    try:
        uploaded, upload_notes = uploaded_tables(None, activity_bytes, monthly_bytes, None)
    except (TableError, crm.CrmImportError) as exc:
        raise UsageError(getattr(exc, "message", None) or str(exc)) from None
    activities, monthly = uploaded.activities, uploaded.monthly
    notes += upload_notes
    if args.quota is not None and not (args.quota > 0 and math.isfinite(args.quota)):
        raise UsageError(f"--quota must be a positive amount per rep per month (got {args.quota:g})")
    return Tables(
        opportunities=imported.opportunities, activities=activities, monthly=monthly, quota_per_month=args.quota
    ), notes


def cmd_scorecard(args: argparse.Namespace) -> int:
    from simulate.cli.common import read_scenario
    from simulate.funnel import run as run_funnel
    from simulate.scenario import default_scenario
    from simulate.standards import build_scorecard

    if not args.out and not args.json and not args.csv:
        raise UsageError("say where the scorecard goes: --out scorecard.xlsx, --csv scorecard.csv and/or --json")
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        raise UsageError(f"--out must name an .xlsx file (got {args.out})")
    if not 100 <= args.trials <= 200_000:
        raise UsageError(f"--trials must be between 100 and 200,000 (got {args.trials})")
    if not 1 <= args.window <= 60:
        raise UsageError(f"--window must be between 1 and 60 periods (got {args.window})")
    standards = _standards(args.standards)
    scenario = read_scenario(args.scenario) if args.scenario else default_scenario()
    tables, notes = _tables(args)
    seed = args.seed if args.seed is not None else scenario.seed
    if not 0 <= seed < 2**32:
        raise UsageError(f"--seed must be between 0 and 4294967295 (got {seed})")
    result = run_funnel(scenario, trials=args.trials, seed=seed)
    card = build_scorecard(tables, standards, result=result, window=args.window, seed=seed)
    notes.append(f"Chance next period: {args.trials:,} trials of scenario '{scenario.name}', seed {seed}.")
    if args.out:
        from report.scorecard_xlsx import write_xlsx

        write_xlsx(card, args.out, notes=notes + card.messages)
    if args.csv:
        from report.scorecard_xlsx import scorecard_csv

        Path(args.csv).write_text(scorecard_csv(card), encoding="utf-8")
    if args.json:
        print(json.dumps({"notes": notes, **card.to_dict()}, indent=2, default=_json_default))
        return 0
    _print_text(card, notes, args.out)
    return 0


def _json_default(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value if isinstance(value, (int, float, str)) else str(value)


def _print_text(card, notes: list[str], out: str | None) -> None:
    from kpi.wording import money

    for line in notes + card.messages:
        print(line)
    print()
    for row in card.rows.itertuples(index=False):
        if row.actual != row.actual:
            shown = row.note
        elif row.unit == "share":
            shown = f"{row.actual:.1%}"
        elif row.unit == "currency":
            shown = money(row.actual)
        else:
            shown = f"{row.actual:,.1f}"
        scope = (
            f"{int(row.reps_meeting)}/{int(row.reps_measured)} reps meet"
            if row.scope == "rep" and row.reps_measured == row.reps_measured
            else "team"
        )
        print(f"{row.status.upper():8} {row.name[:34]:34} {shown:>14}  ({scope}, {row.latest_period or '-'})")
    if card.fair is not None:
        print()
        print(card.fair.message)
    if out:
        print(f"\nWrote {out}")
