"""Page-wide look: rules Streamlit has no option for.

Metric labels wrap onto a second line instead of being cut with an ellipsis ("Chance of hitting the ta..."):
four metrics side by side at 1280 px leave about 200 px per label; values shrink with the window and wrap at a
space instead of ending in "..." ("$464k - $1...", "$9...."). Checked by tests/e2e/test_screenshots_e2e.py.
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; height: auto !important;
}
[data-testid="stMetricLabel"] { min-height: 1.5rem; align-items: flex-start; }
[data-testid="stMetricLabel"] p { overflow-wrap: normal; word-break: normal; }
/* values shrink with the window and wrap at spaces ("$464k - $1.22M") rather than end in "..." */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stMetricValue"] { font-size: clamp(1.35rem, 2.1vw, 2.25rem) !important; line-height: 1.2; }
</style>
"""


def apply() -> None:
    st.html(CSS)
