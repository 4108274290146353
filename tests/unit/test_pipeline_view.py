"""What the pipeline page shows, as a specification: the view's sentences and tables follow from the forecast."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import crm
from kpi.wording import chance_in_10, money
from simulate.pipeline import (
    SEGMENTS,
    backtest_sentences,
    forecast_pipeline,
    import_sentence,
    kept_lost,
    pipeline_view,
    what_if_candidates,
)

AS_OF = pd.Timestamp("2017-06-30")
TRIALS = 2_000


@pytest.fixture(scope="module")
def imported() -> crm.ImportResult:
    return crm.bundled_example()


@pytest.fixture(scope="module")
def opp(imported) -> pd.DataFrame:
    return imported.opportunities


@pytest.fixture(scope="module")
def base(opp):
    return forecast_pipeline(opp, AS_OF, "quarter", trials=TRIALS, seed=5)


def test_without_a_target_the_headline_gives_the_most_likely_bookings_and_the_8_in_10_range(base):
    view = pipeline_view(base)
    b = base.bookings
    assert view.headline.startswith(base.period.label)
    assert all(money(x) in view.headline for x in (b.p50, b.p10, b.p90))
    chance = view.metrics[-1]
    assert (chance.label, chance.value, chance.help) == ("Chance of the target", "-", "Set a target above")
    assert view.pipeline_metrics[-1].label == "Required coverage"
    assert view.pipeline_metrics[-1].value == f"{1 / base.calibration.overall_win_rate:.1f}x"
    assert view.what_if is None and view.lost == ()


def test_with_a_target_the_headline_gives_its_chance_and_coverage_is_pipeline_over_what_is_left(opp):
    target = 2_000_000.0
    fc = forecast_pipeline(opp, AS_OF, "quarter", trials=TRIALS, seed=5, target=target)
    view = pipeline_view(fc)
    assert view.headline.startswith(f"{chance_in_10(fc.hit.p)} chance of booking the {money(target)} target")
    assert view.headline.endswith(f"8 in 10 chance of at least {money(fc.floor_8_in_10)}.")
    assert view.metrics[-1].value == f"{fc.hit.p:.0%}"
    d = fc.deals
    coverage = float((d["p_close"] * d["expected_size"]).sum()) / (target - fc.booked_so_far)
    assert view.pipeline_metrics[-1].label == "Pipeline coverage"
    assert view.pipeline_metrics[-1].value == f"{coverage:.1f}x"
    verdict = "enough" if coverage >= 1 / fc.calibration.overall_win_rate else "not enough"
    assert view.notes[0].startswith(f"Coverage {coverage:.1f}x") and f": {verdict} pipeline" in view.notes[0]


def test_notes_give_the_naive_forecast_and_count_open_deals_without_a_created_date(base):
    notes = pipeline_view(base).notes
    assert any(money(base.naive_mean) in n and "counts long-dead deals as live" in n for n in notes)
    undated = [n for n in notes if "no created date" in n]
    assert len(undated) == (1 if base.undated_open else 0)
    if base.undated_open:
        assert undated[0].startswith(f"{base.undated_open:,} open deals")


def test_what_if_offers_live_deals_largest_expected_bookings_first(base):
    offered = what_if_candidates(base)
    live = base.deals[base.deals["p_win"] > 0]
    assert len(offered) == min(200, len(live))
    assert (offered["p_win"] > 0).all()
    assert offered["expected_bookings"].is_monotonic_decreasing
    labels = pipeline_view(base).lost_options
    assert list(labels) == list(offered["opportunity_id"])
    first = offered.iloc[0]
    assert labels[first["opportunity_id"]].startswith(f"{first['opportunity_id']} - {first['account']}")


def test_kept_lost_keeps_only_deals_still_on_offer_in_the_order_picked(base):
    offered = what_if_candidates(base)
    a, b = offered["opportunity_id"].iloc[3], offered["opportunity_id"].iloc[0]
    assert kept_lost([a, "closed-since", b], offered) == (a, b)
    assert kept_lost([], offered) == ()


def test_losing_deals_says_how_far_p50_and_the_chance_move(opp):
    target = 1_000_000.0
    base = forecast_pipeline(opp, AS_OF, "quarter", trials=TRIALS, seed=5, target=target)
    lost = tuple(what_if_candidates(base)["opportunity_id"].head(2))
    fc = forecast_pipeline(opp, AS_OF, "quarter", trials=TRIALS, seed=5, target=target, lost_ids=lost)
    view = pipeline_view(base, fc)
    assert view.lost == lost and view.forecast is fc and view.base is base
    delta = fc.bookings.p50 - base.bookings.p50
    assert view.what_if.startswith(
        f"Losing 2 deal(s) moves P50 bookings from {money(base.bookings.p50)} to {money(fc.bookings.p50)} ({money(delta)})"
    )
    assert f"from {base.hit.p:.0%} to {fc.hit.p:.0%}" in view.what_if


def test_calibration_note_counts_the_closed_deals_known_on_the_as_of_date(opp, base):
    closed = opp["status"].isin(["won", "lost"]) & (opp["close_date"] <= AS_OF)
    view = pipeline_view(base)
    assert f"up to {AS_OF:%Y-%m-%d}: {int(closed.sum()):,} closed deals" in view.calibration_note
    assert f"for a {base.period.kind}." in view.calibration_note
    assert view.segment_title == SEGMENTS[base.calibration.segment]


def test_size_table_median_is_the_lognormal_median(base):
    sizes = pipeline_view(base).sizes
    assert list(sizes.columns) == ["product", "won", "median", "mean", "log_sd"]
    fit = base.calibration.sizes.set_index("product")
    for row in sizes.itertuples():
        assert row.median == pytest.approx(np.exp(fit.loc[row.product, "log_mean"]))
        assert row.median <= row.mean  # a lognormal's median is below its mean


def test_download_is_the_clis_json_named_by_date_and_period(base):
    view = pipeline_view(base)
    assert view.download_name == "pipeline_forecast_20170630_quarter.json"
    assert json.loads(view.forecast_json()) == json.loads(json.dumps(base.to_dict(), default=float))


def test_backtest_sentences_one_per_period_kind_with_the_naive_models_direction():
    scores = pd.DataFrame(
        {
            "kind": ["month", "quarter"],
            "origins": [12, 4],
            "coverage": [0.75, 1.0],
            "mdape": [0.2, 0.1],
            "naive_mdape": [0.5, 0.4],
            "naive_bias": [0.3, -0.25],
        }
    )
    month, quarter = backtest_sentences(scores)
    assert month.startswith("**Next month, 12 origins:**") and "**75%**" in month and "typically over by 30%" in month
    assert quarter.startswith("**Next quarter, 4 origins:**") and "typically under by 25%" in quarter
    assert backtest_sentences(scores.head(0)) == ()


def test_import_sentence_counts_rows_by_status(imported):
    opp = imported.opportunities
    text = import_sentence(imported)
    n = {s: int((opp["status"] == s).sum()) for s in ("open", "won", "lost")}
    assert text.startswith(f"Imported **{len(opp):,}** of {imported.rows_read:,} rows")
    assert f"{n['open']:,} open, {n['won']:,} won, {n['lost']:,} lost" in text
    assert f"**{len(imported.excluded):,} excluded**" in text
