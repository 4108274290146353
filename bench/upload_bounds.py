"""Upload bounds: every hostile file of the corpus through its reader, with time and peak memory, beside the
bundled CRM export (8,800 rows) measured in the same run as the reference.

    .venv/bin/python bench/upload_bounds.py

Each case runs in a fresh child process so that its peak RSS (ru_maxrss) is its own. The goal (issues 14/17):
every file ends in well under the pages' patience (a few seconds) and a few hundred MB, either read or refused
with a message; the .xlsx bomb is refused from the zip directory without unpacking. Peak RSS includes the
interpreter with pandas (and, for histories, statsmodels) loaded: compare with the reference row. Not a test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "reference: bundled CRM export (8,800 rows)": (
        "crm",
        f"open({str(ROOT / 'data/crm/sales_pipeline.csv')!r}, 'rb').read()",
    ),
    "small export (200 rows)": ("crm", "H.small_export()"),
    "formula text + line breaks": ("crm", "H.formula_multiline_export()"),
    "UTF-16 cut mid-character": ("crm", "H.utf16_cut()"),
    "dates 0001-9999": ("crm", "H.date_span_export('0001-01-01', '9999-12-31')"),
    "random years 1900-2100": ("crm", "H.uniform_span_export(1900, 2100)"),
    "1,000 columns": ("crm", "H.wide_export(1000)"),
    "1,001 columns (refused)": ("crm", "H.wide_export(1001)"),
    "xlsx bomb, 400 MB unpacked (refused)": ("crm", "H.xlsx_bomb(400)"),
    "history 0001-9999": ("history", "H.history_span()"),
    "history, decimal commas": ("history", "H.history_decimal_comma()"),
    "history, 1,000,000 daily rows": ("history", "H.history_daily_million()"),
    "history xlsx bomb (refused)": ("history", "H.xlsx_bomb(400)"),
}

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from tests import hostile_files as H
import crm
from forecast.history import read_history
data = {make}
start = time.perf_counter()
try:
    if {kind!r} == "crm":
        r = crm.load_opportunities(data)
        outcome = r.accounting
    else:
        frame, issues = read_history(data)
        outcome = [i.message for i in issues if "rows read" in i.message][0]
except Exception as exc:
    outcome = "refused: " + getattr(exc, "message", str(exc))[:70]
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "input_mb": len(data) / 2**20, "outcome": outcome}}))
"""


def main() -> None:
    print(f"{'file':42s} {'input MB':>9s} {'seconds':>8s} {'peak RSS MB':>12s}  outcome")
    for name, (kind, make) in CASES.items():
        code = CHILD.format(root=str(ROOT), make=make, kind=kind)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
        if out.returncode:
            print(f"{name:42s} failed: {out.stderr.strip().splitlines()[-1]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{name:42s} {r['input_mb']:9.1f} {r['seconds']:8.2f} {r['rss_mb']:12.0f}  {r['outcome']}")


if __name__ == "__main__":
    main()
