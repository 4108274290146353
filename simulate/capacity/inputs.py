"""Short text forms of list inputs for the capacity page and the CLI, and back.

"10, 25, 45, 65, 85" is a ramp curve in percent; "2, 0, 2" hires per month; "100: 15, 150: 20"
accelerator tiers as attainment %: rate %. Parsing is strict: anything that is not a number raises
ScenarioError naming the field, the bad piece and an example; range checks are left to TeamPlan and
CommissionPlan so every message about a value comes from one place.
"""

from __future__ import annotations

import re

from simulate.scenario import Accelerator, ScenarioError

SEPARATORS = re.compile(r"[,;\s]+")


def _pieces(text: str) -> list[str]:
    return [p for p in SEPARATORS.split(str(text).strip()) if p]


def _number(piece: str, field: str, example: str) -> float:
    try:
        value = float(piece.strip().rstrip("%").replace("_", ""))
    except ValueError:
        raise ScenarioError(
            field, f"'{piece}' is not a number; write numbers separated by commas, e.g. {example}"
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ScenarioError(field, f"'{piece}' is not a finite number; e.g. {example}")
    return value


def parse_ramp(text: str) -> tuple[float, ...]:
    """ "10, 25, 45" (percent of full productivity in tenure months 1, 2, 3) -> (0.10, 0.25, 0.45)."""
    pieces = _pieces(text)
    if not pieces:
        raise ScenarioError("team.ramp_curve", "the ramp curve is empty; e.g. 10, 25, 45, 65, 85 (percent by month)")
    return tuple(round(_number(p, "team.ramp_curve", "10, 25, 45, 65, 85") / 100.0, 6) for p in pieces)


def format_ramp(curve: tuple[float, ...]) -> str:
    return ", ".join(f"{100 * v:g}" for v in curve)


def parse_hires(text: str) -> tuple[int | float, ...]:
    """ "2, 0, 2" -> hires starting in months 1, 2, 3 (an empty text means no hires)."""
    values = []
    for piece in _pieces(text):
        value = _number(piece, "team.hiring_plan", "2, 0, 2")
        values.append(int(value) if value == int(value) else value)
    return tuple(values)


def format_hires(plan: tuple[int, ...]) -> str:
    return ", ".join(str(v) for v in plan)


def parse_accelerators(text: str) -> tuple[Accelerator, ...]:
    """ "100: 15, 150: 20" -> from 100% attainment 15%, from 150% 20% (empty -> no accelerators)."""
    tiers = []
    for k, chunk in enumerate(c for c in re.split(r"[,;]+", str(text)) if c.strip()):
        parts = chunk.split(":")
        field = f"team.commission.accelerators[{k}]"
        if len(parts) != 2:
            raise ScenarioError(
                field, f"write each tier as attainment%: rate%, e.g. 100: 15, 150: 20 (got '{chunk.strip()}')"
            )
        start = _number(parts[0], field, "100: 15, 150: 20")
        rate = _number(parts[1], field, "100: 15, 150: 20")
        tiers.append(Accelerator(round(start / 100.0, 6), round(rate / 100.0, 6)))
    return tuple(tiers)


def format_accelerators(tiers: tuple[Accelerator, ...]) -> str:
    return ", ".join(f"{100 * t.from_attainment:g}: {100 * t.rate:g}" for t in tiers)
