"""PostgreSQL scenario store: list 1,000 scenarios and open one; 20 concurrent sessions saving versions.

    python bench/store_pg.py                 # 60 s load phase (the issue's minute)
    python bench/store_pg.py --seconds 20    # shorter load phase

Starts a throwaway PostgreSQL cluster (tests/pgcluster.py; fsync off, as in the tests) and, as the reference
in the same run, does the listing on the SQLite store. Sessions are threads, each with its own ScenarioStore
(its own connections), like browser sessions in one server process; they save every 2-4 s (random), half on
their own scenario, half on one scenario all of them share, with the version check (expected_version) and a
retry on a conflict, as the app does. At the end every reported save must be in the store, numbered without
gaps, with no error. Prints figures; never fails a build.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulate.scenario import Scenario  # noqa: E402
from store import ORG, ScenarioStore, StoreError, VersionConflict  # noqa: E402
from tests.pgcluster import pg_cluster  # noqa: E402

USERS = [f"user{k}@example.com" for k in range(20)]


def seed(store: ScenarioStore, n: int) -> None:
    """n scenarios over 20 owners, 1-3 versions each, shared with the organisation: everyone lists all n."""
    rng = random.Random(7)
    for k in range(n):
        owner = store.as_user(USERS[k % len(USERS)])
        name = f"Plan {k:04d}"
        for v in range(rng.randint(1, 3)):
            owner.save(Scenario(name=name, seed=k * 10 + v), note=f"v{v + 1}")
        owner.share(name, ORG, "viewer" if k % 2 else "editor")


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def listing(store: ScenarioStore, label: str) -> None:
    me = store.as_user(USERS[0])
    infos = me.list()
    pick = infos[len(infos) // 2].id
    list_times = timed(me.list, 20)
    open_times = timed(lambda: me.load(pick), 20)
    both = timed(lambda: (me.list(), me.load(pick)), 20)
    print(
        f"{label:<11} lists {len(infos):>4} scenarios | "
        f"list median {statistics.median(list_times) * 1000:6.1f} ms | open median "
        f"{statistics.median(open_times) * 1000:5.1f} ms | list+open median {statistics.median(both) * 1000:6.1f} ms, "
        f"max {max(both) * 1000:6.1f} ms (target < 200 ms)"
    )


def load_phase(url: str, sessions: int, seconds: float) -> None:
    setup = ScenarioStore(url=url)
    for k in range(sessions):
        setup.as_user(USERS[k]).save(Scenario(name=f"Own {k}"))
    setup.as_user(USERS[0]).save(Scenario(name="Shared"))
    setup.as_user(USERS[0]).share("Shared", ORG, "editor")
    shared_id = setup.as_user(USERS[0]).info("Shared").id
    saved: list[tuple[str, int, int]] = []  # (scenario, version, seed)
    errors: list[str] = []
    latencies: list[float] = []
    conflicts = [0]
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def session(k: int) -> None:
        store = ScenarioStore(url=url, user=USERS[k])
        rng = random.Random(k)
        n = 0
        try:
            while time.time() < stop_at:
                time.sleep(rng.uniform(2.0, 4.0))
                n += 1
                target = shared_id if n % 2 == 0 else f"Own {k}"
                label = "Shared" if n % 2 == 0 else f"Own {k}"
                value = k * 100_000 + n
                started = time.perf_counter()
                while True:
                    try:
                        seen = store.load(target).version
                        version = store.save(Scenario(name=label, seed=value), target, expected_version=seen)
                        break
                    except VersionConflict:
                        with lock:
                            conflicts[0] += 1
                with lock:
                    latencies.append(time.perf_counter() - started)
                    saved.append((label, version, value))
        except StoreError as exc:  # pragma: no cover - what the benchmark looks for
            with lock:
                errors.append(str(exc))
        finally:
            store.close()

    threads = [threading.Thread(target=session, args=(k,)) for k in range(sessions)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - started

    check = setup.as_user(USERS[0])
    lost = 0
    for label in {s[0] for s in saved}:
        ref = shared_id if label == "Shared" else label
        owner = check if label == "Shared" else setup.as_user(USERS[int(label.split()[1])])
        in_store = {v.version: owner.load(ref, v.version).scenario.seed for v in owner.versions(ref)}
        reported = {version: value for name, version, value in saved if name == label}
        lost += sum(1 for version, value in reported.items() if in_store.get(version) != value)
        gaps = sorted(in_store) != list(range(1, len(in_store) + 1))
        if gaps or len(in_store) != len(reported) + 1:
            lost += 1
            print(f"  {label}: store has {len(in_store)} versions, sessions reported {len(reported)} + the first")
    print(
        f"load: {sessions} sessions (threads, one ScenarioStore each) x {elapsed:.0f} s: {len(saved)} versions saved "
        f"({conflicts[0]} version conflicts detected and retried), lost {lost}, errors {len(errors)}; "
        f"save incl. retries median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {sorted(latencies)[int(0.95 * len(latencies))] * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    print(f"  (load average {os.getloadavg()[0]:.1f} at the end)")
    for err in errors[:3]:
        print("  error:", err)
    setup.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--scenarios", type=int, default=1000)
    args = parser.parse_args()
    with pg_cluster() as cluster:
        if cluster is None:
            print("PostgreSQL is not installed (apt-get install postgresql); nothing measured.")
            return
        url = cluster.new_database()
        pg = ScenarioStore(url=url)
        lite = ScenarioStore(Path(tempfile.mkdtemp()) / "scenarios.db")
        t0 = time.perf_counter()
        seed(pg, args.scenarios)
        t1 = time.perf_counter()
        seed(lite, args.scenarios)
        t2 = time.perf_counter()
        print(
            f"seeded {args.scenarios} scenarios: PostgreSQL {t1 - t0:.1f} s, SQLite {t2 - t1:.1f} s "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        listing(pg, "PostgreSQL")
        listing(lite, "SQLite ref")
        pg.close()
        load_phase(cluster.new_database(), args.sessions, args.seconds)


if __name__ == "__main__":
    main()
