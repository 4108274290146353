"""AppTest helpers: every test marked `app`, a fresh app per test, a generous timeout for simulations."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

TIMEOUT = 60
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/app" in str(item.fspath):
            item.add_marker(pytest.mark.app)


@pytest.fixture()
def app(tmp_path, monkeypatch):
    """The whole app (navigation + sidebar), on a throwaway data directory, run from the project root."""
    monkeypatch.chdir(Path(APP).parent)
    monkeypatch.setenv("FUNNELCAST_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    return at


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
