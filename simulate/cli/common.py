"""What every subcommand shares: one-line usage errors, reading a scenario file, strict JSON."""

from __future__ import annotations

import sys
from pathlib import Path

from kpi.wording import use_currency
from simulate.scenario import MAX_JSON_BYTES, Scenario, ScenarioError, load_json


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def read_scenario(path: str) -> Scenario:
    """The scenario in a JSON file, read by the one safe JSON reader (simulate.scenario.load_json).

    Hostile files (deep nesting, NaN/Infinity, 5,000-digit numbers, not UTF-8, too large) raise
    ScenarioError / UsageError: one line and exit status 2. Text that had to be cleaned (lone surrogates,
    control characters) is read, and what was changed is printed as one note on stderr.
    """
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"scenario file not found: {path}")
    if file.stat().st_size > MAX_JSON_BYTES:
        raise UsageError(f"{path}: larger than {MAX_JSON_BYTES // 1_000_000} MB; a scenario file is much smaller")
    loaded = load_json(file.read_bytes(), "file")
    try:
        scenario = Scenario.from_dict(loaded.data)
    except ScenarioError:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:  # one line, never a traceback
        raise UsageError(f"{path}: could not be read as a scenario ({type(exc).__name__}: {exc})"[:300]) from None
    if loaded.changes:
        print(f"note: {path}: {loaded.note()}", file=sys.stderr)
    use_currency(scenario.currency)  # money in the lines printed is in the scenario's currency
    return scenario


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
