"""Short text forms of list inputs for the capacity page and the CLI, and back; the page's widget values
<-> TeamPlan.

"10, 25, 45, 65, 85" is a ramp curve in percent; "2, 0, 2" hires per month; "100: 15, 150: 20"
accelerator tiers as attainment %: rate %. Parsing is strict: anything that is not a number raises
ScenarioError naming the field, the bad piece and an example; range checks are left to TeamPlan and
CommissionPlan so every message about a value comes from one place.

Widget values are keyed by short names ("ramp", "quota", "attrition_pct", ...), percentages in percent
(the plan holds fractions); the team today is a table with the columns REP_COLUMNS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from simulate.scenario import Accelerator, CommissionPlan, RepGroup, ScenarioError, TeamPlan

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


ROUTINGS = {"capacity": "By capacity (ramp x skill)", "equal": "Equal share", "territory": "Skewed territories"}
REP_COLUMNS = ["Reps", "Tenure (months)"]


def widget_values(team: TeamPlan) -> dict[str, object]:
    """The capacity page's starting widget values for a team plan (percentages in percent, lists as text)."""
    pay = team.commission
    return {
        "ramp": format_ramp(team.ramp_curve),
        "hires": format_hires(team.hiring_plan),
        "attrition_pct": round(team.attrition_annual * 100, 4),
        "backfill": team.backfill,
        "backfill_delay": team.backfill_delay_months,
        "spread_pct": round(team.productivity_spread * 100, 4),
        "deals_per_rep": float(team.deals_per_rep_month),
        "routing": team.routing,
        "skew_pct": round(team.territory_skew * 100, 4),
        "quota": float(team.quota),
        "ramped_quota": team.ramped_quota,
        "target_share": int(round(team.target_share_at_quota * 100)),
        "confidence": int(round(team.plan_confidence * 100)),
        "base_pct": round(pay.base_rate * 100, 4),
        "decel_at_pct": round(pay.decelerator_threshold * 100, 4),
        "decel_pct": round(pay.decelerator_rate * 100, 4),
        "accelerators": format_accelerators(pay.accelerators),
        "cap_pct": round(pay.cap_attainment * 100, 4),
    }


def team_table(team: TeamPlan) -> pd.DataFrame:
    """The team in seat today as the page's editable table: reps and their tenure in months."""
    return pd.DataFrame([{"Reps": g.count, "Tenure (months)": g.tenure_months} for g in team.current_reps])


def rep_groups(table: pd.DataFrame) -> tuple[RepGroup, ...]:
    """Rep groups from the edited table, skipping blank rows; ScenarioError names a half-filled row."""
    groups = []
    for k, row in enumerate(table.itertuples(index=False)):
        count, tenure = row[0], row[1]
        if pd.isna(count) and pd.isna(tenure):
            continue
        if pd.isna(count) or pd.isna(tenure):
            raise ScenarioError(f"team.current_reps[{k}]", f"row {k + 1} of the team table needs both reps and tenure")
        groups.append(
            RepGroup(
                int(count) if float(count) == int(count) else count,
                int(tenure) if float(tenure) == int(tenure) else tenure,
            )
        )
    return tuple(groups)


def team_from_values(values: Mapping[str, object], reps: pd.DataFrame) -> TeamPlan:
    """The TeamPlan the page's widgets describe; ScenarioError names the input to fix."""
    groups = rep_groups(reps)
    commission = CommissionPlan(
        base_rate=values["base_pct"] / 100, decelerator_threshold=values["decel_at_pct"] / 100,
        decelerator_rate=values["decel_pct"] / 100, accelerators=parse_accelerators(values["accelerators"]),
        cap_attainment=values["cap_pct"] / 100,
    )  # fmt: skip
    return TeamPlan(
        current_reps=groups, hiring_plan=parse_hires(values["hires"]), ramp_curve=parse_ramp(values["ramp"]),
        attrition_annual=values["attrition_pct"] / 100, backfill=bool(values["backfill"]),
        backfill_delay_months=int(values["backfill_delay"]), productivity_spread=values["spread_pct"] / 100,
        deals_per_rep_month=values["deals_per_rep"], routing=values["routing"],
        territory_skew=values["skew_pct"] / 100, quota=values["quota"], ramped_quota=bool(values["ramped_quota"]),
        target_share_at_quota=values["target_share"] / 100, plan_confidence=values["confidence"] / 100,
        commission=commission,
    )  # fmt: skip


WIDGET_NAMES = tuple(widget_values(TeamPlan()))
