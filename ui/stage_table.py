"""Funnel stages <-> the editable table on the funnel page (pure pandas, tested directly)."""

from __future__ import annotations

import math

import pandas as pd

from simulate.scenario import Rate, ScenarioError, Stage

COLUMNS = ["Stage", "Given as", "Rate %", "Low %", "High %", "Won", "Of"]
GIVEN_AS = {"rate": "point", "range 90%": "range", "history x of n": "history"}
GIVEN_AS_LABEL = {v: k for k, v in GIVEN_AS.items()}


def to_table(stages: tuple[Stage, ...]) -> pd.DataFrame:
    rows = []
    for k, stage in enumerate(stages):
        rate = stage.conversion
        row = {c: None for c in COLUMNS}
        row["Stage"] = stage.name
        if k > 0 and rate is not None:
            row["Given as"] = GIVEN_AS_LABEL[rate.kind]
            if rate.kind == "point":
                row["Rate %"] = round(rate.value * 100, 4)
            elif rate.kind == "range":
                row["Low %"], row["High %"] = round(rate.low * 100, 4), round(rate.high * 100, 4)
            else:
                row["Won"], row["Of"] = rate.won, rate.trials
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("Rate %", "Low %", "High %"):
        frame[col] = frame[col].astype("float64")
    for col in ("Won", "Of"):
        frame[col] = frame[col].astype("Int64")
    frame["Stage"] = frame["Stage"].astype("string")
    frame["Given as"] = frame["Given as"].astype("string")
    return frame


def _blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


def _number(value: object, field: str, label: str) -> float:
    if _blank(value):
        raise ScenarioError(field, f"{label} is empty; fill it in")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ScenarioError(field, f"{label} must be a number (got {value!r})") from None


def from_table(frame: pd.DataFrame) -> tuple[Stage, ...]:
    """Stages from the edited table; ScenarioError names the row and column to fix."""
    stages: list[Stage] = []
    rows = frame.reset_index(drop=True)
    for k, row in rows.iterrows():
        name = "" if _blank(row["Stage"]) else str(row["Stage"]).strip()
        where = f"stages[{k}]"
        label_name = name or f"row {k + 1}"
        if not name:
            raise ScenarioError(f"{where}.name", f"stage in row {k + 1} needs a name")
        if k == 0:
            stages.append(Stage(name))
            continue
        given = "" if _blank(row["Given as"]) else str(row["Given as"])
        kind = GIVEN_AS.get(given, "point" if not _blank(row["Rate %"]) else None)
        if kind is None:
            raise ScenarioError(
                f"{where}.conversion", f"stage '{label_name}': choose how the rate is given (rate, range or history)"
            )
        label = f"Conversion into '{label_name}'"
        if kind == "point":
            rate = Rate.point(_number(row["Rate %"], where, f"{label} (Rate %)") / 100)
        elif kind == "range":
            rate = Rate.range(
                _number(row["Low %"], where, f"{label} (Low %)") / 100,
                _number(row["High %"], where, f"{label} (High %)") / 100,
            )
        else:
            won = _number(row["Won"], where, f"{label} (Won)")
            of = _number(row["Of"], where, f"{label} (Of)")
            rate = Rate.history(int(won) if won == int(won) else won, int(of) if of == int(of) else of)
        stages.append(Stage(name, rate))
    return tuple(stages)
