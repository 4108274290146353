"""Page-wide look: rules Streamlit has no option for.

Metric labels wrap onto a second line instead of being cut with an ellipsis ("Chance of hitting the ta..."):
four metrics side by side at 1280 px leave about 200 px per label. Checked by tests/e2e/test_screenshots_e2e.py.
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; height: auto !important;
}
[data-testid="stMetricLabel"] { min-height: 1.5rem; align-items: flex-start; }
</style>
"""


def apply() -> None:
    st.html(CSS)
