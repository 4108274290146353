"""What every subcommand shares: one-line usage errors, reading a scenario file, strict JSON."""

from __future__ import annotations

from pathlib import Path

from simulate.scenario import Scenario


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def read_scenario(path: str) -> Scenario:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"scenario file not found: {path}")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a text (UTF-8 JSON) file") from None
    return Scenario.from_json(text)


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
