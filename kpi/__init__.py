"""KPI catalogue and the pure functions computing each KPI from tidy tables.

`kpi.catalogue` is standard-library only; `kpi.compute`, `kpi.report_xlsx` need pandas/openpyxl
and are imported explicitly by the callers that need them.
"""

from kpi.catalogue import CATALOGUE, KPI, get, keys

__all__ = ["CATALOGUE", "KPI", "get", "keys"]
