"""Drawing chart builders' output in the app.

Altair validates a chart against the Vega-Lite schema on every serialisation, which costs tens of
milliseconds per chart on each rerun. Chart builders are validated in tests (tests/unit/test_charts*),
so the app sends the spec without re-validating it.
"""

from __future__ import annotations

import altair as alt
import streamlit as st


def chart(figure: alt.TopLevelMixin, *, key: str | None = None) -> None:
    st.vega_lite_chart(figure.to_dict(validate=False), width="stretch", key=key)
