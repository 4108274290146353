"""The Monte Carlo core: plain libraries (no streamlit), explicit seeds, arrays shaped trials x months [x ...].

One subpackage per domain; each __init__ states and re-exports its public API, and code outside a
subpackage imports only that API:
    scenario/   the scenario value and all its sections (funnel, team, economics, standards), JSON, errors
    funnel/     funnel Monte Carlo engine, goal-seek, summaries
    pipeline/   open deals as of a date: calibration, time-to-close curves, Monte Carlo, backtest
    capacity/   team, ramp, routing, quota, hiring and commission decisions
    economics/  CAC, LTV, spend response and frontier
    standards/  scorecard, attainability and fairness, next-period chance
    decide/     compare scenarios, sensitivity (tornado, contribution, goal-seek of any lever)
    cli/        `python -m simulate <command>`, one module per subcommand (top layer, like app.py)
Layers inside: scenario <- funnel <- pipeline, capacity, standards, decide <- economics (uses capacity).
"""
