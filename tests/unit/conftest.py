"""Store fixtures: every store test runs on SQLite and on PostgreSQL (a throwaway cluster, tests/pgcluster.py).

Without PostgreSQL's binaries the PostgreSQL half is skipped with the reason, except under CI=true, where
it fails: .ci/run installs PostgreSQL, so a missing server there is a broken build, not a skip.
"""

from __future__ import annotations

import os

import pytest

from store import ScenarioStore
from tests.pgcluster import pg_bin, pg_cluster

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server():
    if pg_bin() is None:
        message = "PostgreSQL binaries (initdb, pg_ctl) are not installed: apt-get install postgresql"
        if os.environ.get("CI"):
            pytest.fail(f"{message}. The PostgreSQL store tests are required in CI.")
        pytest.skip(message)
    with pg_cluster() as cluster:
        yield cluster


@pytest.fixture(params=BACKENDS)
def store_target(request, tmp_path) -> dict:
    """Keyword arguments of ScenarioStore for an empty store on this backend."""
    if request.param == "sqlite":
        return {"path": tmp_path / "scenarios.db"}
    return {"url": request.getfixturevalue("pg_server").new_database()}


@pytest.fixture
def open_store(store_target):
    """open_store(user=...) opens (another handle on) the same store; handles are closed after the test."""
    opened: list[ScenarioStore] = []

    def make(**kwargs) -> ScenarioStore:
        handle = ScenarioStore(**store_target, **kwargs)
        opened.append(handle)
        return handle

    yield make
    for handle in opened:
        handle.close()


@pytest.fixture
def store(open_store) -> ScenarioStore:
    return open_store()
