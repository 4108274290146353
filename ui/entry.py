"""Make every page run inside app.py, even on a deep link to a fresh server.

Streamlit discovers `pages/` the legacy way until the entry point has run once, so the first visit
to `/pipeline` on a fresh server would run pages/pipeline.py alone: no shared sidebar, no URL state,
the old page list. Every page calls `require_app()` first; outside app.py it runs app.py, which
registers the navigation and routes back to the same page, and then stops the stray run.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

APP_PATH = str(Path(__file__).resolve().parents[1] / "app.py")
_run = threading.local()  # one script run per thread in Streamlit


@contextmanager
def inside_app() -> Iterator[None]:
    """app.py wraps navigation.run() in this, so pages know they are routed."""
    _run.active = True
    try:
        yield
    finally:
        _run.active = False


def require_app() -> None:
    if getattr(_run, "active", False):
        return
    runpy.run_path(APP_PATH, run_name="__main__")
    st.stop()
