"""Rolling-origin backtests and the forecast CLI."""

import json

import numpy as np
import pandas as pd
import pytest

from forecast import backtest, metrics
from forecast.backtest import origins_for
from forecast.cli import main

MONTHS = pd.period_range("2019-01", periods=48, freq="M")


def _series(n=48, seed=2):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return pd.Series(100 + t + 15 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, n), index=MONTHS[:n])


def test_origins_cover_the_last_months():
    assert origins_for(48, 12, 4, 3) == [36, 39, 42, 45]
    assert origins_for(8, 12, 4, 3) == [5]  # origins leaving fewer than 4 months are not used


def test_backtest_refits_at_each_origin_and_scores_seasonal_naive_by_hand():
    y = _series()
    bt = backtest(y, h=6, models=("seasonal_naive",), n_origins=2, step=3)
    rec = bt.records
    # origins at 42 and 45 months: 6 and 3 months ahead are available
    assert len(rec) == 6 + 3
    values = y.to_numpy()
    first = rec[rec["origin"] == MONTHS[41]]
    expected = np.abs(values[42:48] - values[30:36]) / metrics.mase_scale(values[:42])
    np.testing.assert_allclose(first["scaled_error"], expected)
    summary = bt.summary()
    assert summary.loc["seasonal_naive", "n"] == 9
    assert summary.loc["seasonal_naive", "mase"] == pytest.approx(rec["scaled_error"].mean())


def test_backtest_reports_every_model_per_horizon():
    bt = backtest(_series(), h=12, n_origins=2, step=6)
    summary = bt.summary()
    assert list(summary.index) == ["combination", "ets", "arima", "theta", "seasonal_naive"]
    by_h = bt.by_horizon("combination")
    assert list(by_h.index) == list(range(1, 13))
    assert by_h.loc[1, "n"] == 2 and by_h.loc[12, "n"] == 1
    assert summary[["coverage_80", "coverage_95"]].apply(lambda c: c.between(0, 1)).all().all()


def _write(tmp_path, text, name="history.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_cli_run_prints_forecast_and_backtest_as_json(tmp_path, capsys):
    y = _series(36)
    text = "month,leads\n" + "\n".join(f"{p},{v:.1f}" for p, v in y.items()) + "\n"
    code = main(["run", _write(tmp_path, text), "--metric", "leads", "--h", "6", "--json", "--origins", "2"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(out["forecast"]) == 6 and out["forecast"][0]["period"] == "2022-01"
    assert set(out["backtest"]) >= {"combination", "seasonal_naive"}
    assert out["model"] in out["backtest"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["run", "MISSING.csv", "--metric", "leads"], "no such file"),
        (["run", "{file}", "--metric", "visits"], "No metric 'visits'"),
        (["run", "{file}", "--metric", "leads", "--h", "0"], "--h must be from 1 to 120"),
        (["run", "{file}", "--metric", "leads", "--model", "magic"], "invalid choice"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, args, fragment):
    path = _write(tmp_path, "month,leads\n2022-01,1\n2022-02,2\n2022-03,3\n2022-04,5\n2022-05,4\n")
    args = [a.replace("{file}", path) for a in args]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse errors
        code = exc.code
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and fragment in err
