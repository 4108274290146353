"""Scenario JSON files in and out. Imports are untrusted: every problem is named, not just the first.

The structural check (unknown fields, missing fields, wrong types, a newer schema) walks the whole
file and lists each problem with its field path; only a file that passes it goes to the
Scenario reader (simulate.scenario), whose range checks name the field and the allowed range.
Optional sections (team, economics, standards) are checked by their own classes.
"""

from __future__ import annotations

import json

from simulate.scenario import MAX_JSON_BYTES, SCHEMA_VERSION, SECTIONS, Scenario, ScenarioError, load_json

MAX_IMPORT_BYTES = MAX_JSON_BYTES

NUMBER, INTEGER, TEXT = "number", "whole number", "text"
# field -> (expected kind, required?). Nested objects are specs themselves.
_CONVERSION = {
    "kind": (TEXT, True),
    "value": (NUMBER, False),
    "low": (NUMBER, False),
    "high": (NUMBER, False),
    "won": (INTEGER, False),
    "trials": (INTEGER, False),
}
_SPEC: dict = {
    "schema_version": (INTEGER, True),
    "name": (TEXT, True),
    "start_month": (TEXT, True),
    "horizon_months": (INTEGER, True),
    "stages": ("stages", True),
    "volume": (
        {
            "level": (NUMBER, True),
            "growth": (NUMBER, True),
            "seasonality": ("numbers", True),
            "overdispersion": (NUMBER, True),
            "forecast_paths": ("table", False),
            "forecast_label": (TEXT, False),
        },
        True,
    ),
    "cycle": (
        {
            "median_days": (NUMBER, True),
            "p90_days": (NUMBER, True),
            "median_low": (NUMBER, False),
            "median_high": (NUMBER, False),
        },
        True,
    ),
    "deal_size": (
        {
            "median": (NUMBER, True),
            "p90": (NUMBER, True),
            "median_low": (NUMBER, False),
            "median_high": (NUMBER, False),
        },
        True,
    ),
    "target": (
        {"metric": (TEXT, True), "value": (NUMBER, True), "period": (TEXT, True), "index": (INTEGER, True)},
        True,
    ),
    "sampling": (TEXT, True),
    "trials": (INTEGER, True),
    "seed": (INTEGER, True),
    "currency": (TEXT, False),  # schema 2; a schema-1 file has none and reads as USD
    **{key: ("section", False) for key in SECTIONS},
}


class ImportProblems(ValueError):
    """A scenario file was refused; `problems` lists each one as "field: what is wrong"."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "text", int: "a whole number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_value(path: str, kind: object, value: object, problems: list[str]) -> None:
    if isinstance(kind, dict):
        if not isinstance(value, dict):
            problems.append(f"{path}: must be an object (got {_type_name(value)})")
        else:
            _check_object(path, kind, value, problems)
    elif kind == NUMBER and not _is_number(value):
        problems.append(f"{path}: must be a number (got {_type_name(value)} {json.dumps(value)[:40]})")
    elif kind == INTEGER and not (_is_number(value) and float(value) == int(value)):
        problems.append(f"{path}: must be a whole number (got {_type_name(value)} {json.dumps(value)[:40]})")
    elif kind == TEXT and not isinstance(value, str):
        problems.append(f"{path}: must be text (got {_type_name(value)})")
    elif kind == "numbers":
        if not isinstance(value, list):
            problems.append(f"{path}: must be a list of numbers (got {_type_name(value)})")
        else:
            problems.extend(
                f"{path}[{k}]: must be a number (got {_type_name(v)})" for k, v in enumerate(value) if not _is_number(v)
            )
    elif kind == "table":
        if value is not None and not (
            isinstance(value, list) and all(isinstance(r, list) and all(map(_is_number, r)) for r in value)
        ):
            problems.append(f"{path}: must be a table (list of lists) of numbers")
    elif kind == "section":
        if value is not None and not isinstance(value, dict):
            problems.append(f"{path}: must be an object or null (got {_type_name(value)})")
    elif kind == "stages":
        _check_stages(path, value, problems)


def _check_object(path: str, spec: dict, data: dict, problems: list[str]) -> None:
    prefix = f"{path}." if path else ""
    for key in sorted(set(data) - set(spec)):
        problems.append(f"{prefix}{key}: unknown field (allowed here: {', '.join(spec)})")
    for key, (kind, required) in spec.items():
        if key not in data:
            if required:
                problems.append(f"{prefix}{key}: missing")
            continue
        _check_value(f"{prefix}{key}", kind, data[key], problems)


def _check_stages(path: str, value: object, problems: list[str]) -> None:
    if not isinstance(value, list):
        problems.append(f"{path}: must be a list of stages (got {_type_name(value)})")
        return
    for k, stage in enumerate(value):
        where = f"{path}[{k}]"
        if not isinstance(stage, dict):
            problems.append(f"{where}: must be an object with 'name' and 'conversion' (got {_type_name(stage)})")
            continue
        spec = {"name": (TEXT, True), "conversion": (_CONVERSION, k > 0)}
        conversion = stage.get("conversion")
        if _is_number(conversion):  # a bare number is a point rate
            stage = {key: val for key, val in stage.items() if key != "conversion"}
            spec["conversion"] = (_CONVERSION, False)
        _check_object(where, spec, stage, problems)


def check_scenario_data(data: object) -> list[str]:
    """Every structural problem in parsed scenario JSON, each as "field: what is wrong" (empty if fine)."""
    if not isinstance(data, dict):
        return [f"file: a scenario must be a JSON object (got {_type_name(data)})"]
    version = data.get("schema_version")
    if _is_number(version) and version > SCHEMA_VERSION:
        return [
            f"schema_version: the file uses schema {version}, newer than this app's {SCHEMA_VERSION}; update the app to open it"
        ]
    problems: list[str] = []
    _check_object("", _SPEC, data, problems)
    return problems


def import_json(text: str | bytes, notes: list[str] | None = None) -> Scenario:
    """A Scenario from an uploaded JSON file, or ImportProblems listing everything wrong with it.

    The text is read by simulate.scenario.load_json (nesting depth, NaN/Infinity, huge numbers refused;
    lone surrogates and control characters cleaned). What the cleaning changed is appended to `notes`
    ("stages[1].name: removed 1 control character") so the page can say so.
    """
    if isinstance(text, bytes) and len(text) > MAX_IMPORT_BYTES:
        raise ImportProblems([f"file: larger than {MAX_IMPORT_BYTES // 1_000_000} MB; a scenario file is much smaller"])
    try:
        loaded = load_json(text, "file", max_bytes=MAX_IMPORT_BYTES)
    except ScenarioError as exc:
        raise ImportProblems([f"{exc.field}: {exc.message}"]) from None
    data = loaded.data
    problems = check_scenario_data(data)
    if problems:
        raise ImportProblems(problems)
    try:
        scenario = Scenario.from_dict(data)
    except ScenarioError as exc:
        raise ImportProblems([f"{exc.field}: {exc.message}"]) from None
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:  # never a traceback on the page
        raise ImportProblems([f"file: could not be read as a scenario ({type(exc).__name__}: {exc})"[:300]]) from None
    if notes is not None:
        notes.extend(loaded.changes)
    return scenario


def export_json(scenario: Scenario) -> str:
    """The scenario as a JSON file (what import_json reads back to an equal Scenario)."""
    return scenario.to_json(indent=2) + "\n"
