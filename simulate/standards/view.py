"""What the scorecard page shows, in the user's words: the standard in focus (status line, attainability,
the team's chance next period), the scorecard, rep and catalogue tables, and how a standard is typed into
input boxes (shares as %). Pure pandas; the page only draws these values.

    card = build_scorecard(tables, standards, result=run)
    view = build_scorecard_view(card, "win_rate|rep", share=65, label="Win rate (per rep)")
    view.focus.headline  # "Win rate (per rep): 80.0% (median rep, 2017-12)"
    view.table           # one row per standard, formatted for reading
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.catalogue import get
from kpi.compute import KPIValues, Tables
from kpi.display import format_value, input_label, input_scale
from simulate.scenario import Standard, StandardSet, default_standards
from simulate.standards.attainability import Fairness
from simulate.standards.scorecard import Scorecard, suggested_target

STATUSES = ("green", "amber", "red", "no data")
FOOTNOTE = "Formulas for every KPI are in the Excel export (Formulas sheet) and the CSV header."


# --- the standard in focus: a key "kpi|scope" and its label ---------------------------------------------
def focus_key(kpi: str, scope: str) -> str:
    return f"{kpi}|{scope}"


def split_focus(focus: str) -> tuple[str, str]:
    """Split a focus key: "win_rate|rep" -> ("win_rate", "rep")."""
    kpi, scope = focus.split("|")
    return kpi, scope


def focus_labels(standards: StandardSet) -> tuple[StandardSet, dict[str, str]]:
    """The standards to edit and a label per focus key; an empty set falls back to the default standards."""
    labels = {
        focus_key(s.kpi, s.scope): f"{get(s.kpi).name} ({'per rep' if s.scope == 'rep' else 'team'})"
        for s in standards.standards
    }
    if not labels:
        standards = default_standards()
        labels = {focus_key(s.kpi, s.scope): get(s.kpi).name for s in standards.standards}
    return standards, labels


# --- editing a standard in input boxes ----------------------------------------------------------------
@dataclass(frozen=True)
class StandardInputs:
    """One standard as the editor shows it: numbers as typed (shares in %), labels, step and definition."""

    target: float
    amber: float
    period: str
    target_label: str
    amber_label: str
    step: float | None
    definition: str


def standard_inputs(standard: Standard) -> StandardInputs:
    kpi = get(standard.kpi)
    scale = input_scale(standard.kpi)
    better = "or more" if kpi.higher_is_better else "or less"
    return StandardInputs(
        target=round(standard.target * scale, 6),
        amber=round(standard.amber * scale, 6),
        period=standard.period,
        target_label=f"Target ({input_label(standard.kpi)}); green at this {better}",
        amber_label=f"Amber from ({input_label(standard.kpi)})",
        step=1.0 if scale == 100 else None,
        definition=kpi.definition + f" Formula: `{kpi.formula}`.",
    )


def edited_standards(
    standards: StandardSet, focus: str, *, target: float, amber: float, period: str, share_percent: float
) -> StandardSet:
    """The set with the focus standard as typed (green at the target) and the attainable share in %.

    Raises ScenarioError with a message for the user (bands that overlap, a value out of range)."""
    kpi, scope = split_focus(focus)
    scale = input_scale(kpi)
    edited = Standard(kpi, target / scale, green=target / scale, amber=amber / scale, scope=scope, period=period)
    return StandardSet(standards.with_standard(edited).standards, attainable_share=share_percent / 100)


def added_standards(
    standards: StandardSet, tables: Tables, kpi: str, scope: str, month_values: KPIValues | None = None
) -> tuple[StandardSet, str]:
    """The set with a new standard at today's level (the user adjusts it), and its focus key.

    A scope the KPI does not support becomes "team"; with no usable level the target starts at 1.
    Raises ScenarioError (e.g. too many standards)."""
    scope = scope if scope in get(kpi).scopes else "team"
    start = suggested_target(tables, kpi, scope, month_values)
    target = start if start is not None and start > 0 else 1.0
    return standards.with_standard(Standard(kpi, target, scope=scope)), focus_key(kpi, scope)


# --- what the page shows ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    help: str


@dataclass(frozen=True)
class RepChart:
    """Arguments of charts.scorecard.attainability_chart for the standard in focus."""

    per_rep: pd.DataFrame
    status: pd.Series
    target: float
    share_level: float
    unit: str
    title: str


@dataclass(frozen=True)
class AttainView:
    """How attainable a per-rep standard is: three metrics, a verdict and the per-rep chart."""

    metrics: tuple[Metric, ...]
    verdict: str
    chart: RepChart


@dataclass(frozen=True)
class FocusStatus:
    """The standard in focus: its status and value, and (by scope) attainability, the team's chance or why no data."""

    status: str  # green, amber, red or no data
    headline: str
    attain: AttainView | None = None
    team_chance: str | None = None
    warning: str | None = None


@dataclass(frozen=True)
class RepsTable:
    """One row per rep: values of the per-rep standards (raw, for sorting), reds, the focus standard's chance."""

    frame: pd.DataFrame
    status: pd.DataFrame  # same shape: a status per standard cell, "" elsewhere
    units: dict[str, str]  # column -> unit to format it with


@dataclass(frozen=True)
class ScorecardView:
    """Everything the scorecard page shows; `card` is kept for the exports."""

    card: Scorecard
    focus: FocusStatus
    counts: dict[str, int]  # standards per status, in STATUSES order
    table: pd.DataFrame
    reps: RepsTable | None
    fair: Fairness | None
    messages: tuple[str, ...]
    overview: pd.DataFrame
    footnote: str


def focus_status(card: Scorecard, focus: str, *, share: int, label: str) -> FocusStatus:
    """The status line of the standard in focus and what goes under it; `share` is the attainable share in %."""
    kpi, scope = split_focus(focus)
    row = card.rows.set_index(["kpi", "scope"]).loc[(kpi, scope)]
    unit = get(kpi).unit
    shown = row["note"] if pd.isna(row["actual"]) else format_value(row["actual"], unit)
    who = "median rep" if scope == "rep" else "team"
    headline = f"{label}: {shown} ({who}, {row['latest_period'] or 'no period'})"
    if scope == "rep" and (kpi, scope) in card.attain:
        a = card.attain[(kpi, scope)]
        metrics = (
            Metric(
                "Met it before",
                format_value(a.historical_share, "share"),
                f"Share of rep-periods over the last 6 periods ({a.rep_periods} rep-periods, {a.reps} reps)",
            ),
            Metric(
                "Expected next period",
                format_value(a.expected_share, "share"),
                f"Average of each rep's simulated chance (per-rep Monte Carlo, +/- {a.expected_share_mc_se:.1%})",
            ),
            Metric(
                f"Level {share}% can meet",
                format_value(a.standard_for_share_expected, unit),
                f"Historically: {format_value(a.standard_for_share_historical, unit)}",
            ),
        )
        verdict = "attainable" if a.attainable else "not attainable for enough reps"
        std = card.standards.get(kpi, scope)
        chart = RepChart(
            per_rep=a.per_rep,
            status=a.per_rep["value"].map(std.status),
            target=std.target,
            share_level=a.standard_for_share_expected,
            unit=unit,
            title=f"{get(kpi).name} by rep (last 6 periods)",
        )
        caption = (
            f"With this target the standard is **{verdict}** (goal: {share}% of reps). "
            f"In {row['latest_period']}, {int(row['reps_meeting'])} of {int(row['reps_measured'])} reps met it. "
            + reconcile(row["status"], a, shown=shown, target=format_value(std.target, unit),
                        level=format_value(a.standard_for_share_expected, unit), share=share)
        )  # fmt: skip
        return FocusStatus(row["status"], headline, attain=AttainView(metrics, caption, chart))
    if scope == "team":
        chance = row["chance_next"]
        text = f"{chance:.0%} (+/- {row['chance_next_se']:.1%})" if pd.notna(chance) else row["chance_note"]
        team = f"**Chance the team meets it next period** (from the current scenario's Monte Carlo): {text}"
        return FocusStatus(row["status"], headline, team_chance=team)
    return FocusStatus(row["status"], headline, warning=row["note"] if pd.isna(row["actual"]) else None)


def reconcile(status: str, a, *, shown: str, target: str, level: str, share: int) -> str:
    """Why the status (the latest period, median rep) and attainability (many periods, each rep) can disagree,
    and the next move."""
    hist, expected = format_value(a.historical_share, "share"), format_value(a.expected_share, "share")
    spread = (
        f"The status reads the latest period's median rep ({shown}); attainability reads each rep over the last "
        f"6 periods: {hist} of rep-periods met it and about {expected} of reps are expected to next period"
    )
    good = status == "green"
    if not a.attainable:
        why = (
            f"{spread}, short of the {share}% goal. "
            + ("So the latest period was better than usual: do not read the green as the new normal. " if good else "")
        )
        return why + (
            f"**Next move:** set the target near {level} (the level {share}% of reps can meet), or keep {target} "
            "as a stretch goal and coach the reps below it."
        )
    if status in ("red", "amber"):
        return (
            f"{spread}, above the {share}% goal: the latest period was worse than usual. **Next move:** keep "
            f"{target} and look at who missed it (reps below)."
        )
    return f"{spread}, above the {share}% goal. **Next move:** keep {target}; {level} is where {share}% of reps would still meet it."


def status_counts(card: Scorecard) -> dict[str, int]:
    counts = card.rows["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def scorecard_table(card: Scorecard, *, share: int) -> pd.DataFrame:
    """One row per standard in words (values formatted in their unit); Trend holds the team's recent values."""
    rows = card.rows
    return pd.DataFrame(
        {
            "KPI": rows["name"],
            "Scope": rows["scope"],
            "Per": rows["period"],
            "Latest": rows["latest_period"],
            "Actual": [r.note if pd.isna(r.actual) else format_value(r.actual, r.unit) for r in rows.itertuples()],
            "Target": [format_value(r.target, r.unit) for r in rows.itertuples()],
            "Status": rows["status"],
            "Reps meeting": [
                f"{int(r.reps_meeting)} of {int(r.reps_measured)}"
                if r.scope == "rep" and pd.notna(r.reps_measured)
                else ""
                for r in rows.itertuples()
            ],
            "Expected to meet": [format_value(v, "share") if pd.notna(v) else "" for v in rows["expected_share"]],
            f"Level {share}% can meet": [
                format_value(r.standard_for_share, r.unit) if pd.notna(r.standard_for_share) else ""
                for r in rows.itertuples()
            ],
            "Chance next period": [f"{v:.0%}" if pd.notna(v) else "" for v in rows["chance_next"]],
            "Trend": [
                card.trends[(card.trends["kpi"] == r.kpi) & (card.trends["scope"] == r.scope)]["value"]
                .dropna()
                .astype(float)
                .tolist()
                for r in rows.itertuples()
            ],
            "Formula": rows["formula"],
        }
    )


def reps_table(card: Scorecard, focus: str) -> RepsTable | None:
    """Per-rep standards by rep (None when no per-rep standard has data), with each rep's simulated chance of
    meeting the standard in focus when it is a per-rep one."""
    rep_std = [s for s in card.standards.standards if s.scope == "rep" and s.kpi in card.reps.columns]
    if not rep_std:
        return None
    kpi, scope = split_focus(focus)
    names = {s.kpi: get(s.kpi).name for s in rep_std}
    frame = card.reps[["rep"] + [s.kpi for s in rep_std] + ["reds"]].rename(
        columns=names | {"rep": "Rep", "reds": "Reds"}
    )
    units = {names[s.kpi]: get(s.kpi).unit for s in rep_std}
    if (kpi, scope) in card.attain:
        chance = card.attain[(kpi, scope)].per_rep.set_index("rep")["chance_next"]
        column = f"Chance next period: {get(kpi).name}"
        frame[column] = card.reps["rep"].map(chance).to_numpy()
        units[column] = "share"
    status = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for s in rep_std:
        status[names[s.kpi]] = card.reps[f"{s.kpi}__status"].to_numpy()
    return RepsTable(frame, status, units)


def overview_table(card: Scorecard) -> pd.DataFrame:
    """Every catalogue KPI for the team in the latest month (or what data it needs)."""
    overview = card.overview.assign(
        value=[r.note if pd.isna(r.value) else format_value(r.value, r.unit) for r in card.overview.itertuples()]
    )
    return overview[["name", "category", "period", "value", "direction", "formula"]].rename(
        columns={
            "name": "KPI",
            "category": "Category",
            "period": "Latest",
            "value": "Team value",
            "direction": "Better when",
            "formula": "Formula",
        }
    )


def build_scorecard_view(
    card: Scorecard, focus: str, *, share: int, label: str, notes: list[str] | tuple[str, ...] = ()
) -> ScorecardView:
    """Everything the scorecard page shows for a scored card, the standard in focus ("kpi|scope", named
    `label`) and the attainable share in %; `notes` describe the data (shown under the exports)."""
    return ScorecardView(
        card=card,
        focus=focus_status(card, focus, share=share, label=label),
        counts=status_counts(card),
        table=scorecard_table(card, share=share),
        reps=reps_table(card, focus),
        fair=card.fair,
        messages=tuple(card.messages),
        overview=overview_table(card),
        footnote=" ".join(notes) + " " + FOOTNOTE,
    )
