"""The plan's backtest: scores per model, horizons that run past the data are skipped, actuals are the export's."""

from __future__ import annotations

import numpy as np
import pandas as pd

import crm
from simulate.plan import backtest_plan, default_plan_origins


def test_backtest_scores_three_models_against_the_export():
    opp = crm.bundled_example().opportunities
    origins = [pd.Timestamp("2017-06-30"), pd.Timestamp("2017-09-30")]
    bt = backtest_plan(opp, origins=origins, trials=300, seed=1)
    rows = bt.rows
    assert set(rows["model"]) == {"plan", "pipeline only", "funnel defaults"}
    # 2017-09-30 + 6 months runs past the export (Dec 2017): only horizon 3 for it
    assert set(rows.loc[rows["origin"] == origins[1], "horizon"]) == {3}
    assert set(rows.loc[rows["origin"] == origins[0], "horizon"]) == {3, 6}
    won = opp[opp["status"] == "won"]
    oct_2017 = won.loc[won["close_date"].dt.to_period("M") == pd.Period("2017-10"), "amount"].sum()
    first = rows[(rows["origin"] == origins[1]) & (rows["kind"] == "monthly") & (rows["step"] == 1)]
    assert np.allclose(first["actual"], oct_2017)
    cum = rows[(rows["origin"] == origins[0]) & (rows["kind"] == "cumulative") & (rows["horizon"] == 6)]
    assert np.allclose(cum["actual"], won.loc[won["close_date"].between("2017-07-01", "2017-12-31"), "amount"].sum())
    scores = bt.scores
    assert list(scores.columns[:4]) == ["horizon", "kind", "model", "cases"]
    plan3 = scores[(scores["horizon"] == 3) & (scores["kind"] == "monthly") & (scores["model"] == "plan")].iloc[0]
    assert plan3["cases"] == 6
    assert "| 3 months | monthly | plan | 6 |" in bt.markdown()
    assert [f"{o:%Y-%m-%d}" for o in default_plan_origins()][::3] == ["2017-03-31", "2017-06-30", "2017-09-30"]
