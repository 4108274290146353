"""Separate processes saving at once lose nothing; a process killed mid-save leaves a readable store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from store import ScenarioStore

ROOT = Path(__file__).resolve().parents[2]

SAVER = textwrap.dedent(
    """
    import sys
    from simulate.scenario import Scenario
    from store import ScenarioStore

    path, name, first, count, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    store = ScenarioStore(url=path) if path.startswith("postgresql://") else ScenarioStore(path)
    base = Scenario(name=name, horizon_months=36)
    for k in range(first, first + count):
        # a large forecast table makes each write take long enough for a kill to land inside it
        paths = [[float(k + m + p) for p in range(rows)] for m in range(36)]
        version = store.save(base.replace(seed=k).with_volume_paths(paths, f"run {k}"))
        print(version, k, flush=True)
    """
)


def start_saver(db: Path | str, name: str, first: int, count: int, rows: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SAVER, str(db), name, str(first), str(count), str(rows)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_two_processes_saving_the_same_scenario_lose_nothing(store_target):
    """On SQLite (one file) and PostgreSQL (one database): two processes, 30 saves each, all 60 versions land."""
    target = store_target.get("url") or store_target["path"]
    ScenarioStore(**store_target).close()  # created (and migrated) once, before the savers start
    savers = [start_saver(target, "Shared", first, 30, 5) for first in (0, 1000)]
    for saver in savers:
        out, err = saver.communicate(timeout=120)
        assert saver.returncode == 0, err
    store = ScenarioStore(**store_target)
    versions = store.versions("Shared")
    assert sorted(v.version for v in versions) == list(range(1, 61))
    seeds = {store.load("Shared", v.version).scenario.seed for v in versions}
    assert seeds == set(range(30)) | set(range(1000, 1030))
    store.close()


def test_sigkill_mid_save_leaves_old_or_new_version(tmp_path):
    """Kill a saving process at random moments, many times; every committed version must survive intact."""
    db = tmp_path / "scenarios.db"
    ScenarioStore(db)
    rng = np.random.default_rng(20261127)
    committed: dict[int, int] = {}  # version -> seed, as reported by the saver after its commit
    next_seed = 0
    for kills in range(1, 9):
        saver = start_saver(db, "Killed", next_seed, 10_000, 400)
        first = saver.stdout.readline()  # the saver is now in its save loop
        time.sleep(float(rng.uniform(0.0, 0.5)))
        saver.send_signal(signal.SIGKILL)
        out, _ = saver.communicate(timeout=30)
        assert saver.returncode == -signal.SIGKILL
        reported = [tuple(map(int, line.split())) for line in (first + out).splitlines() if line.strip()]
        committed.update(dict(reported))
        next_seed += 10_000

        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        store = ScenarioStore(db)
        versions = {v.version for v in store.versions("Killed")} if store.names() else set()
        # every reported commit is there; each kill may add one more (committed, killed before it printed)
        assert set(committed) <= versions
        assert len(versions - set(committed)) <= kills
        assert versions == set(range(1, len(versions) + 1))
        latest = store.load("Killed")
        assert latest.version == max(versions)
        for version, seed in committed.items():
            assert store.load("Killed", version).scenario.seed == seed
        assert len(latest.scenario.volume.forecast_paths[0]) == 400
    assert len(committed) > 0
