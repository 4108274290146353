"""Calibration of the plan from CRM data: recovers known parameters from a synthetic export generated from a known
scenario, uses nothing after the as-of date (scrambling the future changes nothing), and bad input gets messages.

Tolerances come from the sampling error of the estimator on the synthetic data (stated per test), never from the
output: a quantile of n draws has standard error sqrt(q (1 - q) / n) / f(x_q); a won-of-n share sqrt(p (1 - p) / n);
a Poisson monthly mean over m months sqrt(lambda / m). Dates are whole days, so cycle quantiles get +1 day.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import crm
from simulate.plan import MIN_CLOSED, PlanInputError, calibrate_plan, median_range, run_plan

# the known scenario behind the synthetic export
TRUE = {
    "per_month": 400.0,  # opportunities created per month (Poisson)
    "win": 0.35,
    "won_median": 60.0,  # days created -> won (lognormal)
    "won_p90": 120.0,
    "lost_median": 40.0,
    "lost_p90": 100.0,
    "size_median": 5_000.0,
    "size_p90": 15_000.0,
    "reps": 10,
}
Z90 = stats.norm.ppf(0.9)


def synthetic_export(
    seed: int = 1, start="2015-01-01", end="2016-06-30", owners=True, amounts=True, per_month=None
) -> bytes:
    """A CRM export (CSV bytes, Maven-like columns) generated from TRUE; as exported on `end`."""
    rng = np.random.default_rng(seed)
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    days = (end - start).days + 1
    n = rng.poisson((per_month or TRUE["per_month"]) * days / 30.4375)
    created = start + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    won = rng.random(n) < TRUE["win"]

    def lognormal(median, p90, size):
        return np.exp(np.log(median) + np.log(p90 / median) / Z90 * rng.standard_normal(size))

    cycle = np.where(
        won, lognormal(TRUE["won_median"], TRUE["won_p90"], n), lognormal(TRUE["lost_median"], TRUE["lost_p90"], n)
    )
    close = created + pd.to_timedelta(np.round(cycle), unit="D")
    closed = close <= end
    size = lognormal(TRUE["size_median"], TRUE["size_p90"], n)
    stage = np.where(closed, np.where(won, "Won", "Lost"), "Engaging")
    frame = pd.DataFrame(
        {
            "opportunity_id": [f"D{k:06d}" for k in range(n)],
            "sales_agent": [f"Rep {k}" for k in rng.integers(0, TRUE["reps"], n)],
            "product": rng.choice(["Basic", "Pro"], n),
            "account": "Acme",
            "deal_stage": stage,
            "engage_date": created.strftime("%Y-%m-%d"),
            "close_date": np.where(closed, close.strftime("%Y-%m-%d"), ""),
            "close_value": np.where(closed & won, np.round(size, 2).astype(str), np.where(closed, "0", "")),
        }
    )
    if not owners:
        frame = frame.drop(columns="sales_agent")
    if not amounts:
        frame["close_value"] = ""
    return frame.to_csv(index=False).encode()


def load(data: bytes) -> pd.DataFrame:
    return crm.load_opportunities(data).opportunities


@pytest.fixture(scope="module")
def synthetic():
    return load(synthetic_export())


def quantile_se(q: float, median: float, p90: float, n: int) -> float:
    """Standard error of the sample q-quantile of n lognormal(median, p90) draws."""
    sigma = np.log(p90 / median) / Z90
    x = median * np.exp(sigma * stats.norm.ppf(q))
    density = stats.lognorm.pdf(x, sigma, scale=median)
    return float(np.sqrt(q * (1 - q) / n) / density)


def test_recovers_the_known_scenario(synthetic):
    cal = calibrate_plan(synthetic, "2016-06-30")
    s = cal.scenario
    assert s.stage_names == ["Opportunity", "Won"]
    # win rate: won of closed in the 6-month window (deals that never close: none here, the KM plateau is ~0)
    closed = cal.input("win_rate").source.rows
    assert closed > 1_000
    se = np.sqrt(TRUE["win"] * (1 - TRUE["win"]) / closed)
    assert s.stages[-1].conversion.mean() == pytest.approx(TRUE["win"], abs=4 * se)
    # cycle of won deals from the censored won curve: n = won deals behind it
    n_won = int((cal.snapshot.closed["outcome"] == 1).sum())
    for q, got, true in ((0.5, s.cycle.median_days, TRUE["won_median"]), (0.9, s.cycle.p90_days, TRUE["won_p90"])):
        assert got == pytest.approx(true, abs=4 * quantile_se(q, TRUE["won_median"], TRUE["won_p90"], n_won) + 1.0)
    # deal size: empirical quantiles of the window's won amounts
    n_size = cal.input("deal_median").source.rows
    se_med = quantile_se(0.5, TRUE["size_median"], TRUE["size_p90"], n_size)
    se_p90 = quantile_se(0.9, TRUE["size_median"], TRUE["size_p90"], n_size)
    assert s.deal_size.median == pytest.approx(TRUE["size_median"], abs=4 * se_med)
    assert s.deal_size.p90 == pytest.approx(TRUE["size_p90"], abs=4 * se_p90)
    # volume: mean of 3 Poisson months (month lengths differ by up to 10% from the average month: +10%)
    lam = TRUE["per_month"]
    assert s.volume.level == pytest.approx(lam, abs=4 * np.sqrt(lam / 3) + 0.1 * lam)
    assert s.volume.growth == 0.0  # 18 months, a flat rate: no slope 2 standard errors from 0 (or < 12 months)
    assert s.volume.seasonality == (1.0,) * 12  # 18 < 24 months: flat
    # team: every owner, with a tenure from their first deal
    assert s.team is not None and sum(g.count for g in s.team.current_reps) == TRUE["reps"]
    assert cal.reps["tenure_months"].max() == 17
    assert cal.messages == ()


def test_every_input_has_a_source(synthetic):
    cal = calibrate_plan(synthetic, "2016-06-30")
    table = cal.table()
    assert len(table) == len(cal.inputs) >= 10
    for item in cal.inputs:
        assert item.source.window and item.source.method
        assert item.source.describe().startswith(item.source.data)
    assert "deals closed 2016-01-01 to 2016-06-30" in cal.input("win_rate").source.window
    payload = cal.to_dict()
    assert payload["scenario"]["stages"][1]["conversion"]["kind"] == "history"
    assert {s["key"] for s in payload["sources"]} >= {"win_rate", "cycle_median", "deal_median", "volume_level"}


def _scramble_future(opp: pd.DataFrame, as_of: pd.Timestamp, seed: int) -> pd.DataFrame:
    """Shuffle everything that happened after as_of among the rows it happened to (same dates overall)."""
    rng = np.random.default_rng(seed)
    out = opp.copy()
    later = out["created_date"] > as_of
    for column in ("owner", "product", "account", "created_date"):
        values = out.loc[later, column].to_numpy()
        out.loc[later, column] = rng.permutation(values)
    closed_later = out["status"].isin(["won", "lost"]) & (out["close_date"] > as_of)
    idx = np.flatnonzero(closed_later.to_numpy())
    perm = rng.permutation(idx)
    for column in ("status", "stage", "amount", "close_date"):
        values = out[column].to_numpy().copy()
        values[idx] = values[perm]
        out[column] = values
    # a deal that was open then may now be won with another amount: scale every future amount
    out.loc[closed_later, "amount"] = out.loc[closed_later, "amount"] * rng.uniform(0.2, 5.0)
    return out


@pytest.mark.parametrize("as_of", ["2017-04-30", "2017-08-31"])
def test_no_leakage_scrambling_the_future_changes_nothing(as_of):
    opp = crm.bundled_example().opportunities
    day = pd.Timestamp(as_of)
    scrambled = _scramble_future(opp, day, seed=3)
    assert not scrambled.equals(opp)
    a, b = calibrate_plan(opp, day), calibrate_plan(scrambled, day)
    assert a.to_dict() == b.to_dict()
    ra, rb = run_plan(a, 6, 500, 9), run_plan(b, 6, 500, 9)
    np.testing.assert_array_equal(ra.bookings, rb.bookings)
    np.testing.assert_array_equal(ra.won, rb.won)
    # and the future does matter when it is allowed in: a later as-of date sees the scrambled rows
    later = pd.Timestamp("2017-10-31")
    assert calibrate_plan(opp, later).to_dict() != calibrate_plan(scrambled, later).to_dict()


def test_no_owners_skips_the_team_with_a_message():
    cal = calibrate_plan(load(synthetic_export(owners=False)), "2016-06-30")
    assert cal.scenario.team is None and cal.reps is None
    assert any("no owner" in m and "team calibration skipped" in m for m in cal.messages)
    result = run_plan(cal, 3, 200, 1)
    assert result.per_rep is None


def test_no_amounts_needs_the_deal_size():
    # the tidy frame of an export without amounts (crm.load_opportunities itself drops won deals without an
    # amount today, see test_import_without_amounts_says_so)
    opp = load(synthetic_export()).assign(amount=np.nan)
    with pytest.raises(PlanInputError) as err:
        calibrate_plan(opp, "2016-06-30")
    assert err.value.field == "deal_size" and "give the deal size" in err.value.message
    cal = calibrate_plan(opp, "2016-06-30", deal_size=(2_500, 6_000))
    assert (cal.scenario.deal_size.median, cal.scenario.deal_size.p90) == (2_500, 6_000)
    assert cal.input("deal_median").source.data == "your input"


def test_few_closed_deals_fall_back_to_a_wide_prior():
    opp = load(synthetic_export(start="2015-07-01", end="2016-06-30", per_month=4))
    cal = calibrate_plan(opp, "2016-06-15")
    n = cal.input("win_rate").source.rows
    assert n < MIN_CLOSED
    assert any("wide prior" in m for m in cal.messages)
    rate = cal.scenario.stages[-1].conversion
    assert rate.quantile(0.95) - rate.quantile(0.05) > 0.25  # wide: a 90% range over 25 points


def test_as_of_outside_the_data_names_the_range(synthetic):
    for day in ("2014-06-30", "2016-07-01"):
        with pytest.raises(PlanInputError) as err:
            calibrate_plan(synthetic, day)
        assert err.value.field == "as_of"
        assert "2015-01-01 to 2016-06-30" in err.value.message


def test_monthly_table_adds_the_top_of_the_funnel():
    from kpi.tables import bundled_monthly

    opp = crm.bundled_example().opportunities
    monthly = bundled_monthly().frame
    cal = calibrate_plan(opp, "2017-06-30", monthly=monthly)
    assert cal.scenario.stage_names == ["Visitors", "Leads", "MQL", "SQL", "Opportunity", "Won"]
    window = monthly[(monthly["month"] >= "2017-01") & (monthly["month"] <= "2017-06")]
    leads = cal.scenario.stages[1].conversion
    assert (leads.won, leads.trials) == (int(window["leads"].sum()), int(window["visitors"].sum()))
    assert cal.input("rate_leads").source.data == "monthly table"
    # nothing from after the as-of month: July's visitors do not move the level
    bumped = monthly.copy()
    bumped.loc[bumped["month"] >= "2017-07", "visitors"] *= 10
    assert calibrate_plan(opp, "2017-06-30", monthly=bumped).to_dict() == cal.to_dict()


def test_monthly_table_without_the_columns_is_reported():
    opp = crm.bundled_example().opportunities
    table = pd.DataFrame({"month": ["2017-01", "2017-02"], "leads": [10.0, 12.0]})
    cal = calibrate_plan(opp, "2017-06-30", monthly=table)
    assert cal.scenario.stage_names == ["Opportunity", "Won"]
    assert any("Monthly table not used" in m for m in cal.messages)


def test_csv_round_trip_is_the_same_as_the_frame():
    data = synthetic_export(seed=2)
    via_bytes = crm.load_opportunities(io.BytesIO(data).getvalue()).opportunities
    assert calibrate_plan(via_bytes, "2016-03-31").to_dict() == calibrate_plan(load(data), "2016-03-31").to_dict()


def test_the_median_range_covers_the_true_median_as_often_as_its_order_statistics_say():
    """The range is the sorted values x_(lo), x_(hi) (0-based); it covers the true median m exactly when K, the
    number of values below m (Binomial(n, 1/2)), lies in [lo + 1, hi]. 4,000 samples of n = 201: the observed share
    is within 4 binomial standard errors of that exact chance, which is itself about 90%."""
    rng = np.random.default_rng(5)
    n, reps = 201, 4_000
    draws = np.sort(rng.lognormal(0.0, 1.0, (reps, n)), axis=1)
    bounds = np.array([median_range(row) for row in draws])
    covered = np.mean((bounds[:, 0] <= 1.0) & (1.0 <= bounds[:, 1]))
    half = 1.6449 * np.sqrt(n) / 2
    lo, hi = int(np.floor(n / 2 - half)), int(np.ceil(n / 2 + half))
    exact = stats.binom.cdf(hi, n, 0.5) - stats.binom.cdf(lo, n, 0.5)
    assert 0.89 <= exact <= 0.93
    assert covered == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / reps))
    cal = calibrate_plan(crm.bundled_example().opportunities, "2017-09-30")
    size, cycle = cal.scenario.deal_size, cal.scenario.cycle
    assert size.median_low < size.median < size.median_high and cycle.median_low < cycle.median_days < cycle.median_high


def test_import_without_amounts_says_so():
    """crm.load_opportunities leaves out won deals without an amount; the plan says why it cannot calibrate."""
    from simulate.plan import missing_amounts_message

    imported = crm.load_opportunities(synthetic_export(amounts=False))
    message = missing_amounts_message(imported.report, imported.opportunities)
    assert message is not None and "no amounts on won deals" in message and "deal size must be given" in message
    fine = crm.load_opportunities(synthetic_export())
    assert missing_amounts_message(fine.report, fine.opportunities) is None
