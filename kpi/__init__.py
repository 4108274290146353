"""The one KPI catalogue and the pure functions computing each KPI from tidy tables: the lowest layer,
importing nothing of ours, so every model, page and export reports through the same definitions.

Where things are:
    catalogue.py  every KPI: formula, unit, direction, what data it needs (standard library only)
    compute.py    KPI values per team and rep per period from tidy tables (component sums -> ratios)
    derived.py    KPIs built on other sums or periods: growth, attainment, LTV:CAC, payback, coverage
    periods.py    reporting periods (day, week, month, quarter) and their labels
    tables.py     reading untrusted activity and monthly tables into tidy frames
    display.py    a KPI value with its unit, input labels and scales
    wording.py    money, counts, percentages and "7 in 10 chance" in the words every page and export uses

`kpi.compute` and `kpi.tables` need pandas and are imported explicitly by the callers that need them.
"""

from kpi.catalogue import CATALOGUE, KPI, get, keys

__all__ = ["CATALOGUE", "KPI", "get", "keys"]
