"""The KPI catalogue: the one place where each KPI's definition, formula, unit and direction live.

Pure standard library (no pandas/numpy) so any module, page, export or test can import it cheaply.
Every page, export and test reads names, formulas and directions from here; the functions that
compute the values are in `kpi.compute` and refer to these entries by key.

Units: "share" is a fraction 0-1 (shown as %), "multiple" a plain ratio (3.2x), "currency" money per
period, "days"/"minutes"/"months" durations, "count" a number of things per period, "per_day" and
"per_week" counts per rep per working day or week.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = ("quantity", "quality", "timeliness", "cost")
DIRECTIONS = ("higher", "lower")
UNITS = ("share", "multiple", "currency", "days", "minutes", "months", "count", "per_day", "per_week")
SOURCES = ("opportunities", "activities", "monthly", "roster")
# How a rep's next-period value is modelled in attainability: successes out of trials ("proportion"),
# an average of item values ("mean"), or a period total/ratio ("level").
KINDS = ("proportion", "mean", "level")


@dataclass(frozen=True)
class KPI:
    """One key performance indicator, as a leader would read it on a scorecard."""

    key: str
    name: str
    definition: str
    formula: str
    unit: str
    direction: str  # "higher" or "lower" is better
    category: str
    needs: tuple[str, ...]  # data it needs, as "table.column"
    source: str  # the table it is computed from
    scopes: tuple[str, ...] = ("team", "rep")
    kind: str = "level"

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    def needs_text(self) -> str:
        """E.g. "needs: activities.response_minutes"."""
        return "needs: " + ", ".join(self.needs)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "definition": self.definition,
            "formula": self.formula,
            "unit": self.unit,
            "direction": self.direction,
            "category": self.category,
            "needs": list(self.needs),
            "source": self.source,
            "scopes": list(self.scopes),
        }


TEAM = ("team",)
OPP = "opportunities"
ACT = "activities"
MON = "monthly"

_ENTRIES = (
    # --- quantity ----------------------------------------------------------------------------------
    KPI(
        "leads",
        "Leads",
        "Marketing leads captured in the period.",
        "leads = sum of monthly.leads",
        "count",
        "higher",
        "quantity",
        ("monthly.leads",),
        MON,
        TEAM,
    ),
    KPI(
        "new_opportunities",
        "Leads received (new opportunities)",
        "Opportunities created and assigned to the rep in the period: the leads a rep was given to work.",
        "new_opportunities = count of opportunities by created_date",
        "count",
        "higher",
        "quantity",
        ("opportunities.owner", "opportunities.created_date"),
        OPP,
    ),
    KPI(
        "activities_per_day",
        "Activities per rep per day",
        "Logged sales activities (calls, emails, meetings) per rep per working day (Mon-Fri).",
        "activities_per_day = activities / (reps x working days in the period)",
        "per_day",
        "higher",
        "quantity",
        ("activities.rep", "activities.date"),
        ACT,
    ),
    KPI(
        "activities_per_week",
        "Activities per rep per week",
        "Logged sales activities per rep per working week (5 working days).",
        "activities_per_week = activities / (reps x working days in the period / 5)",
        "per_week",
        "higher",
        "quantity",
        ("activities.rep", "activities.date"),
        ACT,
    ),
    KPI(
        "touchpoints_per_prospect",
        "Touchpoints per prospect",
        "Activities logged per distinct prospect a rep worked in the period.",
        "touchpoints_per_prospect = activities with a prospect / distinct (rep, prospect) pairs",
        "count",
        "higher",
        "quantity",
        ("activities.rep", "activities.date", "activities.prospect"),
        ACT,
    ),
    KPI(
        "won_deals",
        "Won deals",
        "Deals won (closed) in the period.",
        "won_deals = count of opportunities with status won, by close_date",
        "count",
        "higher",
        "quantity",
        ("opportunities.status", "opportunities.close_date"),
        OPP,
    ),
    KPI(
        "bookings",
        "Bookings",
        "Value of deals won in the period.",
        "bookings = sum of amount of won opportunities, by close_date",
        "currency",
        "higher",
        "quantity",
        ("opportunities.status", "opportunities.amount", "opportunities.close_date"),
        OPP,
    ),
    KPI(
        "revenue_growth",
        "Revenue growth",
        "Change in bookings against the previous period.",
        "revenue_growth = bookings this period / bookings previous period - 1",
        "share",
        "higher",
        "quantity",
        ("opportunities.status", "opportunities.amount", "opportunities.close_date"),
        OPP,
    ),
    KPI(
        "quota_attainment",
        "Quota attainment",
        "Bookings as a share of the rep's quota for the period.",
        "quota_attainment = bookings / quota (team: team bookings / sum of quotas)",
        "share",
        "higher",
        "quantity",
        ("opportunities.amount", "quota per rep"),
        OPP,
    ),
    KPI(
        "share_at_quota",
        "Share of reps at quota",
        "Share of reps whose bookings reached their quota in the period.",
        "share_at_quota = reps with bookings >= quota / reps",
        "share",
        "higher",
        "quantity",
        ("opportunities.amount", "quota per rep"),
        OPP,
        TEAM,
    ),
    KPI(
        "pipeline_coverage",
        "Pipeline coverage",
        "Open pipeline against the team's bookings target for the next period (required coverage is 1 / win rate).",
        "pipeline_coverage = open pipeline amount / team bookings target",
        "multiple",
        "higher",
        "quantity",
        ("opportunities.amount of open deals", "a team bookings standard (the target)"),
        OPP,
        TEAM,
    ),
    # --- quality -------------------------------------------------------------------------------------
    KPI(
        "traffic_to_lead",
        "Traffic-to-lead ratio",
        "Share of website visitors who become leads.",
        "traffic_to_lead = leads / visitors",
        "share",
        "higher",
        "quality",
        ("monthly.visitors", "monthly.leads"),
        MON,
        TEAM,
        "proportion",
    ),
    KPI(
        "bounce_to_lead",
        "Bounce-to-lead ratio",
        "Visits that leave without any action for every lead gained.",
        "bounce_to_lead = bounced visits / leads",
        "multiple",
        "lower",
        "quality",
        ("monthly.bounced_visits", "monthly.leads"),
        MON,
        TEAM,
    ),
    KPI(
        "lead_to_mql",
        "Lead -> MQL",
        "Share of leads that marketing qualifies (MQL).",
        "lead_to_mql = MQLs / leads",
        "share",
        "higher",
        "quality",
        ("monthly.leads", "monthly.mqls"),
        MON,
        TEAM,
        "proportion",
    ),
    KPI(
        "mql_to_sql",
        "MQL -> SQL",
        "Share of marketing-qualified leads that sales accepts as sales-qualified (SQL).",
        "mql_to_sql = SQLs / MQLs",
        "share",
        "higher",
        "quality",
        ("monthly.mqls", "monthly.sqls"),
        MON,
        TEAM,
        "proportion",
    ),
    KPI(
        "sql_to_opportunity",
        "SQL -> opportunity",
        "Share of sales-qualified leads that become opportunities.",
        "sql_to_opportunity = opportunities / SQLs",
        "share",
        "higher",
        "quality",
        ("monthly.sqls", "monthly.opportunities"),
        MON,
        TEAM,
        "proportion",
    ),
    KPI(
        "win_rate",
        "Win rate (opportunity -> customer)",
        "Share of closed opportunities that were won.",
        "win_rate = won / (won + lost), by close_date; open deals excluded",
        "share",
        "higher",
        "quality",
        ("opportunities.status", "opportunities.close_date"),
        OPP,
        ("team", "rep"),
        "proportion",
    ),
    KPI(
        "avg_deal_size",
        "Average deal size",
        "Average value of a won deal.",
        "avg_deal_size = bookings / won deals",
        "currency",
        "higher",
        "quality",
        ("opportunities.status", "opportunities.amount", "opportunities.close_date"),
        OPP,
        ("team", "rep"),
        "mean",
    ),
    # --- timeliness ------------------------------------------------------------------------------
    KPI(
        "sales_cycle_days",
        "Sales-cycle length",
        "Average days from creating an opportunity to winning it.",
        "sales_cycle_days = mean of (close_date - created_date) over won deals, in days",
        "days",
        "lower",
        "timeliness",
        ("opportunities.created_date", "opportunities.close_date", "opportunities.status"),
        OPP,
        ("team", "rep"),
        "mean",
    ),
    KPI(
        "lead_response_minutes",
        "Average lead response time",
        "Average minutes from a lead arriving to the rep's first reply.",
        "lead_response_minutes = mean of activities.response_minutes over rows that record one",
        "minutes",
        "lower",
        "timeliness",
        ("activities.rep", "activities.date", "activities.response_minutes"),
        ACT,
        ("team", "rep"),
        "mean",
    ),
    KPI(
        "ramp_months",
        "Ramp time to full quota",
        "Months from a rep's start date to the first month at full quota.",
        "ramp_months = first month with bookings >= quota - start month",
        "months",
        "lower",
        "timeliness",
        ("roster.start_date", "quota per rep"),
        "roster",
    ),
    # --- cost ----------------------------------------------------------------------------------------
    KPI(
        "cost_per_lead",
        "Cost per lead",
        "Marketing spend per lead captured.",
        "cost_per_lead = marketing spend / leads",
        "currency",
        "lower",
        "cost",
        ("monthly.marketing_spend", "monthly.leads"),
        MON,
        TEAM,
    ),
    KPI(
        "cac",
        "Customer acquisition cost (CAC)",
        "Sales and marketing spend per new customer, same period, fully loaded.",
        "cac = (marketing spend + sales spend) / new customers",
        "currency",
        "lower",
        "cost",
        ("monthly.marketing_spend", "monthly.sales_spend", "monthly.new_customers"),
        MON,
        TEAM,
    ),
    KPI(
        "clv",
        "Customer lifetime value (CLV)",
        "Gross profit a customer brings over their lifetime, with a constant monthly churn (simple formula; "
        "it overstates value when churn differs between customers).",
        "clv = ARPA x gross margin / monthly churn = sum(MRR x gross margin) / sum(churned customers)",
        "currency",
        "higher",
        "cost",
        ("monthly.mrr", "monthly.gross_margin", "monthly.customers_start", "monthly.churned_customers"),
        MON,
        TEAM,
    ),
    KPI(
        "ltv_to_cac",
        "LTV:CAC",
        "Lifetime value per unit of acquisition cost (3 or more is the common bar).",
        "ltv_to_cac = clv / cac",
        "multiple",
        "higher",
        "cost",
        (
            "monthly.mrr",
            "monthly.gross_margin",
            "monthly.churned_customers",
            "monthly.marketing_spend",
            "monthly.sales_spend",
            "monthly.new_customers",
        ),
        MON,
        TEAM,
    ),
    KPI(
        "cac_payback_months",
        "CAC payback",
        "Months of a customer's gross profit needed to repay their CAC (under 12 is the common bar).",
        "cac_payback_months = cac / (ARPA x gross margin), ARPA = MRR / customers at the start of the month",
        "months",
        "lower",
        "cost",
        (
            "monthly.mrr",
            "monthly.gross_margin",
            "monthly.customers_start",
            "monthly.marketing_spend",
            "monthly.sales_spend",
            "monthly.new_customers",
        ),
        MON,
        TEAM,
    ),
    KPI(
        "marketing_roi",
        "Marketing ROI",
        "Gross profit attributable to marketing, net of its cost, per unit of marketing spend (not ROAS).",
        "marketing_roi = (marketing-sourced revenue x gross margin - marketing spend) / marketing spend",
        "share",
        "higher",
        "cost",
        ("monthly.marketing_sourced_revenue", "monthly.gross_margin", "monthly.marketing_spend"),
        MON,
        TEAM,
    ),
    KPI(
        "churn_rate",
        "Churn rate",
        "Share of customers at the start of a month who leave during it (monthly rate).",
        "churn_rate = churned customers / customers at the start of the month",
        "share",
        "lower",
        "cost",
        ("monthly.churned_customers", "monthly.customers_start"),
        MON,
        TEAM,
        "proportion",
    ),
)

CATALOGUE: dict[str, KPI] = {entry.key: entry for entry in _ENTRIES}


def get(key: str) -> KPI:
    """The catalogue entry for `key`; KeyError names the known keys."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise KeyError(f"unknown KPI {key!r}; known: {', '.join(CATALOGUE)}") from None


def keys(category: str | None = None) -> list[str]:
    """KPI keys in catalogue order, optionally of one category."""
    return [k for k, v in CATALOGUE.items() if category is None or v.category == category]


def _check() -> None:
    for entry in _ENTRIES:
        assert entry.unit in UNITS and entry.direction in DIRECTIONS, entry.key
        assert entry.category in CATEGORIES and entry.source in SOURCES and entry.kind in KINDS, entry.key
        assert set(entry.scopes) <= {"team", "rep"} and entry.scopes, entry.key
    assert len(CATALOGUE) == len(_ENTRIES), "duplicate KPI key"


_check()
