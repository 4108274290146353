"""The KPI catalogue: one complete, consistent, lightweight source of definitions."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kpi import CATALOGUE, get, keys
from kpi.catalogue import CATEGORIES

REQUIRED = [
    "traffic_to_lead",
    "bounce_to_lead",
    "cost_per_lead",
    "lead_to_mql",
    "mql_to_sql",
    "sql_to_opportunity",
    "win_rate",
    "avg_deal_size",
    "sales_cycle_days",
    "lead_response_minutes",
    "activities_per_day",
    "activities_per_week",
    "touchpoints_per_prospect",
    "ramp_months",
    "quota_attainment",
    "share_at_quota",
    "revenue_growth",
    "pipeline_coverage",
    "cac",
    "clv",
    "ltv_to_cac",
    "cac_payback_months",
    "marketing_roi",
    "churn_rate",
]


def test_catalogue_has_every_kpi_the_product_brief_lists():
    assert set(REQUIRED) <= set(CATALOGUE)


def test_every_category_is_used_and_every_entry_is_complete():
    assert {k.category for k in CATALOGUE.values()} == set(CATEGORIES)
    for k in CATALOGUE.values():
        assert k.name and k.definition and k.formula.startswith(k.key) and k.needs, k.key


def test_directions_follow_the_meaning_of_the_kpi():
    assert get("win_rate").higher_is_better
    for lower in (
        "cac",
        "churn_rate",
        "sales_cycle_days",
        "lead_response_minutes",
        "cost_per_lead",
        "cac_payback_months",
    ):
        assert not get(lower).higher_is_better, lower


def test_unknown_key_names_the_known_ones():
    with pytest.raises(KeyError, match="win_rate"):
        get("winrate")


def test_keys_by_category():
    assert "cac" in keys("cost") and "cac" not in keys("quality")


def test_catalogue_imports_without_pandas_or_numpy():
    code = "import sys, kpi, kpi.catalogue; print(any(m in sys.modules for m in ('pandas', 'numpy', 'streamlit')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
