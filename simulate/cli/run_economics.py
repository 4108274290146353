"""`python -m simulate run SCENARIO.json --json` additions when the scenario has an economics plan.

Added to the run payload by simulate/cli/run.py (RUN_EXTENSIONS).
"""

from __future__ import annotations

from simulate.scenario import Scenario


def economics_run_extension(scenario: Scenario, result=None) -> dict:
    """LTV:CAC, payback, CAC, LTV, ROI, magic number (P10/P50/P90), value-maximising and target spend, channels."""
    if scenario.economics is None:
        return {}
    from simulate.economics import build_economics_view

    trials = getattr(result, "trials", None) or scenario.trials
    seed = getattr(result, "seed", None)
    view = build_economics_view(scenario, trials=trials, seed=seed)
    metrics = {
        row.metric: {"p10": row.p10, "p50": row.p50, "p90": row.p90, "bar": row.bar, "p_meets_bar": row.p_meets_bar}
        for row in view.metrics.itertuples()
    }
    channels = view.channels[["channel", "spend", "leads", "customers", "average_cac", "marginal_cac", "clv_below_cac"]]
    return {
        "economics": {
            "trials": view.trials,
            "seed": view.seed,
            "new_customers_per_month": view.customers,
            "metrics": metrics,
            "value_maximising_spend": view.best.to_dict(),
            "spend_for_target": view.target.to_dict(),
            "channels": channels.to_dict(orient="records"),
            "verdicts": list(view.verdicts),
            "warnings": list(view.warnings),
        }
    }
