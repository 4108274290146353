"""`python -m simulate report`: the meeting deck and HTML report without a browser (for scheduled jobs).

python -m simulate report scenario.json --out deck.pptx --html report.html [--compare b.json c.json]
    [--trials N] [--seed S] [--csv trials.csv] [--xlsx summary.xlsx] [--no-tornado]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from simulate.cli.common import UsageError, read_scenario
from simulate.scenario import MAX_TRIALS


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("report", help="write a PowerPoint deck and/or a self-contained HTML report")
    p.add_argument("scenario", help="scenario JSON file (see `example`)")
    p.add_argument("--out", help="PowerPoint file to write (.pptx)")
    p.add_argument("--html", help="HTML report to write (.html)")
    p.add_argument("--csv", help="raw trial samples as CSV (audit trail)")
    p.add_argument("--xlsx", help="summary, monthly bands and trials as Excel")
    p.add_argument(
        "--compare", nargs="+", metavar="SCENARIO", default=[], help="up to three more scenario files to compare"
    )
    p.add_argument("--trials", type=int, default=None, help="Monte Carlo trials (default: the scenario's)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.add_argument("--no-tornado", action="store_true", help="skip the sensitivity (tornado) slide")
    p.set_defaults(func=cmd_report)


def _check_target(path: str | None, suffix: str, option: str) -> Path | None:
    if path is None:
        return None
    target = Path(path)
    if target.suffix.lower() != suffix:
        raise UsageError(f"{option} must name a {suffix} file (got {path})")
    if not target.parent.exists():
        raise UsageError(f"{option}: folder {target.parent} does not exist")
    return target


def _write(target: Path, data: bytes) -> None:
    """Write atomically: a reader (or a mail job) never sees a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_report(args: argparse.Namespace) -> int:
    targets = {
        "out": _check_target(args.out, ".pptx", "--out"),
        "html": _check_target(args.html, ".html", "--html"),
        "csv": _check_target(args.csv, ".csv", "--csv"),
        "xlsx": _check_target(args.xlsx, ".xlsx", "--xlsx"),
    }
    if not any(targets.values()):
        raise UsageError("say what to write: --out deck.pptx and/or --html report.html (or --csv / --xlsx)")
    if len(args.compare) > 3:
        raise UsageError(f"--compare takes at most three scenarios (got {len(args.compare)})")
    scenario = read_scenario(args.scenario)
    if args.trials is not None:
        if not 100 <= args.trials <= MAX_TRIALS:
            raise UsageError(f"--trials must be between 100 and {MAX_TRIALS:,} (got {args.trials})")
        scenario = scenario.replace(trials=args.trials)
    if args.seed is not None:
        if not 0 <= args.seed < 2**32:
            raise UsageError(f"--seed must be between 0 and 4294967295 (got {args.seed})")
        scenario = scenario.replace(seed=args.seed)
    others = [read_scenario(path) for path in args.compare]

    from report import tables
    from report.content import build_content

    content = build_content(scenario, others=others, with_tornado=not args.no_tornado)
    if targets["out"]:
        from report.deck import build_deck

        _write(targets["out"], build_deck(content))
        print(f"wrote {targets['out']}")
    if targets["html"]:
        from report.html import build_html

        _write(targets["html"], build_html(content).encode("utf-8"))
        print(f"wrote {targets['html']}")
    if targets["csv"]:
        _write(targets["csv"], tables.to_csv(tables.trial_frame(content.result)))
        print(f"wrote {targets['csv']}")
    if targets["xlsx"]:
        _write(targets["xlsx"], tables.workbook(content.result, content.summary))
        print(f"wrote {targets['xlsx']}")
    print(content.summary.sentence)
    return 0
