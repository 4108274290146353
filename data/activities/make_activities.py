"""Generate the SYNTHETIC activity log and monthly marketing table bundled with the scorecard.

There is no real activity log for the Maven CRM sample, so this script invents one, seeded, for
the 35 reps in data/crm/sales_teams.csv: working-day activities (calls, emails, meetings, demos,
lead responses with minutes to respond), each rep with their own pace and response habit, two weeks
of leave per rep and the Christmas week of 2017 with no activity at all. The monthly table ties
opportunities and new customers to the CRM's own counts and invents the marketing numbers around
them. Nothing here is real data: pages and exports say so.

    .venv/bin/python data/activities/make_activities.py   # rewrites the two CSV files next to it
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20171231
HERE = Path(__file__).resolve().parent
CRM = HERE.parent / "crm"
TYPES = np.array(["call", "email", "meeting", "demo"])
TYPE_SHARES = np.array([0.45, 0.35, 0.12, 0.08])


def make_activities(rng: np.random.Generator) -> pd.DataFrame:
    reps = pd.read_csv(CRM / "sales_teams.csv")["sales_agent"].tolist()
    accounts = pd.read_csv(CRM / "accounts.csv")["account"].to_numpy()
    days = pd.bdate_range("2017-01-02", "2017-12-29")
    days = days[~((days >= "2017-12-25") & (days <= "2017-12-29"))]  # office closed: a period with no activity
    rows = []
    for rep in reps:
        pace = rng.lognormal(np.log(4.0), 0.3)  # activities per working day
        response_median = rng.lognormal(np.log(25.0), 0.8)  # minutes
        leave_start = rng.integers(0, len(days) - 10)
        working = np.delete(days, np.arange(leave_start, leave_start + 10))
        counts = rng.poisson(pace, len(working))
        dates = np.repeat(working, counts)
        n = len(dates)
        kinds = rng.choice(TYPES, n, p=TYPE_SHARES)
        responses = rng.random(n) < 0.15
        kinds = np.where(responses, "lead_response", kinds)
        minutes = np.where(responses, np.round(rng.lognormal(np.log(response_median), 0.9, n), 1), np.nan)
        prospects = rng.choice(accounts, n)
        rows.append(
            pd.DataFrame(
                {
                    "rep": rep,
                    "date": dates.strftime("%Y-%m-%d"),
                    "type": kinds,
                    "response_minutes": minutes,
                    "prospect": prospects,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def make_monthly(rng: np.random.Generator) -> pd.DataFrame:
    crm = pd.read_csv(CRM / "sales_pipeline.csv")
    created = pd.to_datetime(crm["engage_date"], format="%m/%d/%Y").dt.to_period("M").value_counts()
    won = crm[crm["deal_stage"] == "Won"]
    closed = pd.to_datetime(won["close_date"], format="%m/%d/%Y").dt.to_period("M")
    new_customers = closed.value_counts()
    bookings = won.groupby(closed)["close_value"].sum()
    months = pd.period_range("2016-10", "2017-12", freq="M")
    opportunities = created.reindex(months, fill_value=0).to_numpy()
    sqls = np.round(opportunities / rng.uniform(0.55, 0.70, len(months)))
    mqls = np.round(sqls / rng.uniform(0.30, 0.40, len(months)))
    leads = np.round(mqls / rng.uniform(0.35, 0.45, len(months)))
    visitors = np.round(leads / rng.uniform(0.025, 0.035, len(months)))
    customers_start = np.round(400 + 25 * np.arange(len(months)) + rng.normal(0, 10, len(months)))
    return pd.DataFrame(
        {
            "month": months.astype(str),
            "visitors": visitors.astype(int),
            "bounced_visits": np.round(visitors * rng.uniform(0.45, 0.55, len(months))).astype(int),
            "leads": leads.astype(int),
            "mqls": mqls.astype(int),
            "sqls": sqls.astype(int),
            "opportunities": opportunities,
            "new_customers": new_customers.reindex(months, fill_value=0).to_numpy(),
            "marketing_spend": np.round(leads * rng.uniform(40, 60, len(months)), -2),
            "sales_spend": np.round(35 * 9_000 * rng.uniform(0.95, 1.05, len(months)), -2),
            "marketing_sourced_revenue": np.round(bookings.reindex(months, fill_value=0).to_numpy() * 0.6, -1),
            "mrr": customers_start * 180.0,
            "gross_margin": np.round(rng.uniform(0.58, 0.66, len(months)), 3),
            "customers_start": customers_start.astype(int),
            "churned_customers": rng.binomial(customers_start.astype(int), 0.02),
        }
    )


def main() -> None:
    rng = np.random.default_rng(SEED)
    activities = make_activities(rng)
    monthly = make_monthly(rng)
    activities.to_csv(HERE / "activities_synthetic.csv", index=False)
    monthly.to_csv(HERE / "monthly_kpis_synthetic.csv", index=False)
    print(f"wrote {len(activities):,} activities and {len(monthly)} months (synthetic, seed {SEED})")


if __name__ == "__main__":
    main()
