"""Compute every KPI of the catalogue from tidy tables, per team and per rep, per period.

Each KPI is a ratio (or a simple function) of *component sums*: per-row numbers (won = 1 for a won
deal, cycle_days, response_minutes, spend, ...) are summed per (rep, period) and then combined, e.g.
win_rate = won / (won + lost). Team values combine the team's sums (a pooled rate, not an average of
rep rates). A denominator of zero gives no number and a note saying which count was zero; a KPI
whose data is missing gives no number and "needs: ..." (from the catalogue).

Tables (all optional; see `kpi.tables` for reading untrusted files):
- opportunities: crm canonical columns owner, status (open/won/lost), amount, created_date, close_date;
- activities: rep, date, type, response_minutes (minutes, blank when the row is not a lead response),
  optional prospect;
- monthly: month (YYYY-MM) and team totals (visitors, leads, mqls, ..., see the catalogue's `needs`);
- quota_per_month: one rep's quota in currency per month (the same for every rep).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi.catalogue import CATALOGUE, get
from kpi.periods import PERIODS, period_of, period_range

TEAM = ""  # the `rep` value of team rows
ABSENT_NOTE = "rep not in this table: no data"


@dataclass(frozen=True)
class Tables:
    """The data a scorecard is computed from; any table may be missing."""

    opportunities: pd.DataFrame | None = None
    activities: pd.DataFrame | None = None
    monthly: pd.DataFrame | None = None
    quota_per_month: float | None = None
    roster: tuple[str, ...] = ()  # reps expected on the team (e.g. the CRM's sales_teams)
    coverage_target: float | None = None  # team bookings target for the next period (currency)


COLUMNS = ["kpi", "rep", "period", "value", "numerator", "denominator", "note"]


@dataclass
class KPIValues:
    """KPI values per (rep, period) for each KPI, plus what could not be computed and why."""

    by_kpi: dict[str, pd.DataFrame]  # kpi -> rep ("" = team), period, value, numerator, denominator, note
    needs: dict[str, str] = field(default_factory=dict)  # kpi -> "needs: ..."
    messages: list[str] = field(default_factory=list)  # data remarks (reps missing from a table, ...)

    _split: dict = field(default_factory=dict, repr=False, compare=False)

    def of(self, key: str) -> pd.DataFrame:
        """Rows of one KPI (empty when it needs data)."""
        return self.by_kpi.get(key, pd.DataFrame(columns=COLUMNS[1:]))

    def team(self, key: str) -> pd.DataFrame:
        """The team's rows of one KPI, by period."""
        return self._parts(key)[0]

    def reps(self, key: str) -> pd.DataFrame:
        """The reps' rows of one KPI."""
        return self._parts(key)[1]

    def _parts(self, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        if key not in self._split:
            rows = self.of(key)
            is_team = (rows["rep"] == TEAM).to_numpy(dtype=bool)
            self._split[key] = (rows[is_team].sort_values("period"), rows[~is_team])
        return self._split[key]

    @property
    def values(self) -> pd.DataFrame:
        """All KPIs as one long table: kpi, rep, period, value, numerator, denominator, note."""
        if not self.by_kpi:
            return pd.DataFrame(columns=COLUMNS)
        return pd.concat([f.assign(kpi=k) for k, f in self.by_kpi.items()], ignore_index=True)[COLUMNS]


# --- component frames: one row per contributing record, columns rep, date, <components> -------------
def _closed(t: Tables) -> pd.DataFrame:
    o = t.opportunities
    o = o[o["status"].isin(["won", "lost"]) & o["close_date"].notna()]
    won = (o["status"] == "won").to_numpy()
    amount = o["amount"].to_numpy(dtype=float)
    has_amount = won & np.isfinite(amount)
    days = (o["close_date"] - o["created_date"]).dt.days.to_numpy(dtype=float)
    has_days = won & np.isfinite(days)
    return pd.DataFrame(
        {
            "rep": o["owner"].to_numpy(),
            "date": o["close_date"].to_numpy(),
            "won": won.astype(float),
            "lost": (~won).astype(float),
            "won_amount": np.where(has_amount, amount, 0.0),
            "won_with_amount": has_amount.astype(float),
            "cycle_days": np.where(has_days, days, 0.0),
            "won_with_dates": has_days.astype(float),
        }
    )


def _created(t: Tables) -> pd.DataFrame:
    o = t.opportunities
    o = o[o["created_date"].notna()]
    return pd.DataFrame({"rep": o["owner"].to_numpy(), "date": o["created_date"].to_numpy(), "created": 1.0})


def _activities(t: Tables) -> pd.DataFrame:
    a = t.activities
    minutes = (
        pd.to_numeric(a["response_minutes"], errors="coerce").to_numpy(dtype=float)
        if "response_minutes" in a
        else np.full(len(a), np.nan)
    )
    has = np.isfinite(minutes)
    frame = pd.DataFrame(
        {
            "rep": a["rep"].to_numpy(),
            "date": pd.to_datetime(a["date"]).to_numpy(),
            "activities": 1.0,
            "working_days": 0.0,
            "response_minutes": np.where(has, minutes, 0.0),
            "responses": has.astype(float),
        }
    )
    calendar = _working_days(frame["rep"].unique(), frame["date"].min(), frame["date"].max())
    return pd.concat([frame, calendar], ignore_index=True).fillna(0.0)


def _working_days(reps: np.ndarray, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """One row per rep per working day (Mon-Fri) the log covers: the denominator of activity rates."""
    days = pd.bdate_range(first, last)
    return pd.DataFrame(
        {
            "rep": np.repeat(reps, len(days)),
            "date": np.tile(days.to_numpy(), len(reps)),
            "activities": 0.0,
            "working_days": 1.0,
        }
    )


def _prospects(t: Tables) -> pd.DataFrame:
    a = t.activities
    a = a[a["prospect"].notna() & (a["prospect"].astype(str).str.strip() != "")]
    return pd.DataFrame(
        {
            "rep": a["rep"].to_numpy(),
            "date": pd.to_datetime(a["date"]).to_numpy(),
            "touches": 1.0,
            "prospect": a["prospect"].astype(str).to_numpy(),
        }
    )


def _monthly(t: Tables) -> pd.DataFrame:
    m = t.monthly
    frame = m.drop(columns=["month"]).apply(pd.to_numeric, errors="coerce").astype(float)
    frame.insert(0, "date", pd.PeriodIndex(m["month"].astype(str), freq="M").to_timestamp())
    frame.insert(0, "rep", TEAM)
    if "mrr" in frame and "gross_margin" in frame:
        frame["mrr_gross_profit"] = frame["mrr"] * frame["gross_margin"]
    if "marketing_sourced_revenue" in frame and "gross_margin" in frame:
        frame["attributable_gross_profit"] = frame["marketing_sourced_revenue"] * frame["gross_margin"]
    if "marketing_spend" in frame and "sales_spend" in frame:
        frame["acquisition_spend"] = frame["marketing_spend"] + frame["sales_spend"]
    return frame


BUILDERS: dict[str, Callable[[Tables], pd.DataFrame]] = {
    "closed": _closed,
    "created": _created,
    "activities": _activities,
    "prospects": _prospects,
    "monthly": _monthly,
}


@dataclass(frozen=True)
class Formula:
    """value = numerator / denominator of the period's sums (value = numerator when there is no denominator).

    Every KPI keeps value == numerator / denominator, so values pool over periods as ratios of sums.
    """

    builder: str
    numerator: str
    denominator: str | None  # None: the value is the numerator itself (a count or total)
    zero_note: str = ""
    scale: float = (
        1.0  # the denominator's sum is divided by this (working days / 5 = weeks); value = numerator / denominator
    )


FORMULAS: dict[str, Formula] = {
    "new_opportunities": Formula("created", "created", None),
    "won_deals": Formula("closed", "won", None),
    "bookings": Formula("closed", "won_amount", None),
    "win_rate": Formula("closed", "won", "closed", "0 / 0: no deals won or lost in this period"),
    "avg_deal_size": Formula("closed", "won_amount", "won_with_amount", "no won deals with an amount in this period"),
    "sales_cycle_days": Formula(
        "closed", "cycle_days", "won_with_dates", "no won deals with both dates in this period"
    ),
    "activities_per_day": Formula("activities", "activities", "working_days", "no working days in this period"),
    "activities_per_week": Formula("activities", "activities", "working_days", "no working days in this period", 5.0),
    "lead_response_minutes": Formula(
        "activities", "response_minutes", "responses", "no lead responses logged in this period"
    ),
    "touchpoints_per_prospect": Formula("prospects", "touches", "pairs", "no prospects touched in this period"),
    "leads": Formula("monthly", "leads", None),
    "traffic_to_lead": Formula("monthly", "leads", "visitors", "no visitors recorded (division by zero)"),
    "bounce_to_lead": Formula("monthly", "bounced_visits", "leads", "no leads (division by zero)"),
    "lead_to_mql": Formula("monthly", "mqls", "leads", "no leads (division by zero)"),
    "mql_to_sql": Formula("monthly", "sqls", "mqls", "no MQLs (division by zero)"),
    "sql_to_opportunity": Formula("monthly", "opportunities", "sqls", "no SQLs (division by zero)"),
    "cost_per_lead": Formula("monthly", "marketing_spend", "leads", "no leads (division by zero)"),
    "cac": Formula("monthly", "acquisition_spend", "new_customers", "no new customers (division by zero)"),
    "clv": Formula(
        "monthly",
        "mrr_gross_profit",
        "churned_customers",
        "no churned customers: lifetime unbounded (division by zero)",
    ),
    "churn_rate": Formula(
        "monthly", "churned_customers", "customers_start", "no customers at the start (division by zero)"
    ),
    "marketing_roi": Formula("monthly", "roi_net", "marketing_spend", "no marketing spend (division by zero)"),
}
# KPIs combining two formulas or needing a post-step: handled in `_special`.
SPECIAL = (
    "revenue_growth",
    "quota_attainment",
    "share_at_quota",
    "ltv_to_cac",
    "cac_payback_months",
    "pipeline_coverage",
    "ramp_months",
)


def missing_data(t: Tables, key: str) -> str | None:
    """None when the KPI can be computed from `t`, else the "needs: ..." text."""
    k = get(key)
    tables = {"opportunities": t.opportunities, "activities": t.activities, "monthly": t.monthly, "roster": None}
    missing = []
    for need in k.needs:
        if need == "quota per rep":
            if not t.quota_per_month:
                missing.append("a quota per rep")
            continue
        if need.startswith("a team bookings standard"):
            if not t.coverage_target:
                missing.append(need)
            continue
        table, _, column = need.partition(".")
        column = column.split(" ")[0]
        frame = tables.get(table)
        if frame is None or column not in frame.columns or frame[column].notna().sum() == 0:
            missing.append(need)
        elif key == "pipeline_coverage" and frame.loc[frame["status"] == "open", "amount"].notna().sum() == 0:
            missing.append("amounts on open deals")
    return ("needs: " + ", ".join(missing)) if missing else None


def compute(t: Tables, period: str = "month", keys: list[str] | None = None) -> KPIValues:
    """Every requested KPI (default: the whole catalogue) per team and per rep, per period."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)} (got {period!r})")
    keys = list(keys or CATALOGUE)
    needs = {k: text for k in keys if (text := missing_data(t, k))}
    ready = [k for k in keys if k not in needs]
    cache: dict[str, pd.DataFrame] = {}
    by_kpi = {}
    for key in ready:
        if period in ("day", "week") and get(key).source == "monthly":
            needs[key] = "needs: data by day or week (the monthly table has one row per month)"
            continue
        by_kpi[key] = (
            _special(t, key, period, cache) if key in SPECIAL else _ratio(t, key, FORMULAS[key], period, cache)
        )
    return KPIValues(by_kpi=by_kpi, needs=needs, messages=coverage_messages(t))


def _grouped(t: Tables, builder: str, period: str, cache: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Component sums per (rep, period) on a full grid, and per team period."""
    key = f"{builder}:{period}"
    if key not in cache:
        rows = BUILDERS[builder](t)
        rows = rows.assign(period=period_of(rows["date"], period))
        if builder == "prospects":
            pairs = rows.drop_duplicates(["rep", "period", "prospect"]).groupby(["rep", "period"]).size()
            rows = rows.drop(columns="prospect")
        if builder == "monthly" and "attributable_gross_profit" in rows:
            rows["roi_net"] = rows["attributable_gross_profit"] - rows["marketing_spend"]
        sums = rows.drop(columns="date").groupby(["rep", "period"]).sum(numeric_only=True)
        if builder == "prospects":
            sums["pairs"] = pairs
        if builder == "closed":
            sums["closed"] = sums["won"] + sums["lost"]
        labels = period_range(rows["date"].min(), rows["date"].max(), period)
        reps = sorted(set(sums.index.get_level_values("rep")) | (set(t.roster) if builder != "monthly" else set()))
        grid = pd.MultiIndex.from_product([reps, labels], names=["rep", "period"])
        per_rep = sums.reindex(grid, fill_value=0.0)
        absent = ~per_rep.index.get_level_values("rep").isin(sums.index.get_level_values("rep"))
        per_rep.loc[absent, :] = np.nan  # roster reps missing from this table: no data, not zero
        team = per_rep.groupby(level="period").sum()
        cache[key] = (per_rep.reset_index(), team.reset_index().assign(rep=TEAM))
    return cache[key]


def _ratio(t: Tables, key: str, f: Formula, period: str, cache: dict) -> pd.DataFrame:
    per_rep, team = _grouped(t, f.builder, period, cache)
    scopes = get(key).scopes
    parts = [team] + ([per_rep] if "rep" in scopes and f.builder != "monthly" else [])
    out = []
    for frame in parts:
        num = frame[f.numerator].to_numpy(dtype=float)
        if f.denominator is None:
            value, den, note = num, np.full(len(num), np.nan), np.full(len(num), "", dtype=object)
        else:
            den = frame[f.denominator].to_numpy(dtype=float) / f.scale  # e.g. working days / 5 = working weeks
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(den != 0, num / den, np.nan)
            note = np.where(den != 0, "", f.zero_note).astype(object)
        note[np.isnan(num)] = ABSENT_NOTE
        out.append(
            pd.DataFrame(
                {
                    "rep": frame["rep"].to_numpy(),
                    "period": frame["period"].to_numpy(),
                    "value": value,
                    "numerator": num,
                    "denominator": den,
                    "note": note,
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def _special(t: Tables, key: str, period: str, cache: dict) -> pd.DataFrame:
    from kpi.derived import derived

    return derived(t, key, period, lambda builder: _grouped(t, builder, period, cache), _ratio_sums)


def _ratio_sums(num: np.ndarray, den: np.ndarray, note: str) -> tuple[np.ndarray, np.ndarray]:
    """num / den with NaN and `note` where den is zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den != 0, num / den, np.nan)
    notes = np.where(den != 0, "", note).astype(object)
    notes[np.isnan(num) | np.isnan(den)] = ABSENT_NOTE
    return value, notes


def coverage_messages(t: Tables) -> list[str]:
    """Plain remarks on reps present in one table but not another (they cannot be compared fairly)."""
    sets = {}
    if t.opportunities is not None:
        sets["the CRM export"] = set(t.opportunities["owner"].dropna().unique().tolist())
    if t.activities is not None:
        sets["the activity log"] = set(t.activities["rep"].dropna().unique().tolist())
    if t.roster:
        sets["the team list"] = set(t.roster)
    missing: dict[tuple[str, tuple[str, ...]], list[str]] = {}  # (table, reps) -> tables they are in
    for a in sets:
        for b in sets:
            gone = tuple(sorted(sets[a] - sets[b]))
            if a != b and gone:
                missing.setdefault((b, gone), []).append(a)
    messages = []
    for (table, gone), found_in in missing.items():
        shown = ", ".join(gone[:5]) + (f" and {len(gone) - 5} more" if len(gone) > 5 else "")
        messages.append(
            f"{len(gone)} rep(s) in {' and '.join(found_in)} are missing from {table}: {shown}; their KPIs from {table} show as no data."
        )
    return messages
