"""The scenario store keeps every version and gives back exactly what was saved.

Tests taking `store` run on SQLite and on PostgreSQL (tests/unit/conftest.py); the rest are about the SQLite file.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import sqlite3
import threading

import pytest

from simulate.scenario import SECTIONS, CycleLength, DealSize, LeadVolume, Rate, Scenario, Stage, Target
from store import ScenarioStore, StoreError


def available_sections() -> dict:
    """Default instances of the optional sections whose classes exist in this tree."""
    found = {}
    for key, ref in SECTIONS.items():
        module, name = ref.split(":")
        try:
            found[key] = getattr(importlib.import_module(module), name)()
        except (ImportError, AttributeError, TypeError):
            continue
    return found


def every_field_scenario() -> Scenario:
    """A scenario where every field differs from the default, with every kind of rate."""
    stages = (
        Stage("Visits <b>web</b>"),
        Stage("Leads", Rate.point(0.031)),
        Stage("MQL", Rate.range(0.31, 0.47)),
        Stage("SQL", Rate.history(97, 301)),
        Stage("Won", Rate.range(0.18, 0.29)),
    )
    scenario = Scenario(
        name='Hire 5 more = "aggressive"',
        start_month="2027-04",
        horizon_months=12,
        stages=stages,
        volume=LeadVolume(
            level=12_345.5, growth=0.021, seasonality=tuple(0.8 + 0.03 * k for k in range(12)), overdispersion=0.17
        ),
        cycle=CycleLength(median_days=61.5, p90_days=140.25, median_low=50.0, median_high=80.0),
        deal_size=DealSize(median=23_456.7, p90=61_000.0, median_low=20_000.0, median_high=30_000.0),
        target=Target(metric="won_deals", value=44.0, period="month", index=7),
        sampling="plain",
        trials=3_333,
        seed=987_654_321,
        currency="EUR",
        **available_sections(),
    )
    return scenario.with_volume_paths([[100.0 + m + p * 0.5 for p in range(3)] for m in range(12)], "ETS forecast")


def test_round_trip_restores_every_field_including_sections(store):
    scenario = every_field_scenario()
    store.save(scenario, extras={"pipeline.coverage": 3.2, "funnel.view": "monthly"})
    loaded = store.load(scenario.name)
    assert loaded.scenario == scenario
    assert loaded.scenario.to_dict() == scenario.to_dict()
    assert loaded.extras == {"pipeline.coverage": 3.2, "funnel.view": "monthly"}
    # every dataclass field was compared: equality covers them, and the default differs in each
    default = Scenario()
    for f in dataclasses.fields(Scenario):
        if f.name not in SECTIONS:
            assert getattr(scenario, f.name) != getattr(default, f.name), f.name


def test_every_save_is_a_new_version_and_old_versions_stay_readable(store):
    base = Scenario(name="Base")
    for k in range(1, 4):
        assert store.save(base.replace(seed=k), note=f"try {k}") == k
    assert [v.version for v in store.versions("Base")] == [3, 2, 1]
    assert store.load("Base").scenario.seed == 3
    assert store.load("Base", version=1).scenario.seed == 1
    assert store.load("Base", version=2).note == "try 2"
    with pytest.raises(StoreError, match="no version 9"):
        store.load("Base", version=9)


def test_rename_duplicate_and_delete(store):
    store.save(Scenario(name="Base", seed=5))
    store.save(Scenario(name="Other"))
    store.rename("Base", "Base 2027")
    assert store.load("Base 2027").scenario.name == "Base 2027"
    assert store.load("Base 2027").scenario.seed == 5
    with pytest.raises(StoreError, match="already exists"):
        store.rename("Base 2027", "other")  # names are unique regardless of case
    store.duplicate("Base 2027", "Hire 5 more")
    copy = store.load("Hire 5 more")
    assert copy.version == 1 and copy.scenario == store.load("Base 2027").scenario.replace(name="Hire 5 more")
    store.delete("Other")
    assert sorted(store.names()) == ["Base 2027", "Hire 5 more"]
    with pytest.raises(StoreError, match="No saved scenario is called 'Other'"):
        store.load("Other")


def test_store_is_created_on_first_use_in_the_data_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNNELCAST_DATA_DIR", str(tmp_path / "nested" / "dir"))
    store = ScenarioStore()
    assert store.path == tmp_path / "nested" / "dir" / "scenarios.db"
    assert store.path.is_file() and store.names() == []


def test_threads_saving_at_once_lose_nothing(store):
    per_thread, threads = 25, 4

    def saver(t: int) -> None:
        for k in range(per_thread):
            store.save(Scenario(name="Shared", seed=t * 1000 + k))
            store.save(Scenario(name=f"Own {t}", seed=k))

    workers = [threading.Thread(target=saver, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    shared = store.versions("Shared")
    assert sorted(v.version for v in shared) == list(range(1, per_thread * threads + 1))
    seeds = {store.load("Shared", version=v.version).scenario.seed for v in shared}
    assert seeds == {t * 1000 + k for t in range(threads) for k in range(per_thread)}
    assert all(len(store.versions(f"Own {t}")) == per_thread for t in range(threads))


def test_bad_names_are_refused_with_a_message(store):
    with pytest.raises(StoreError, match="needs a name"):
        store.save(Scenario(), name="   ")
    with pytest.raises(StoreError, match="at most 120"):
        store.rename("x", "y" * 121)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"name,value\nBase,1\n" * 50, "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 2000, "damaged or not a database"),
    ],
    ids=["csv", "corrupt-sqlite"],
)
def test_corrupt_file_gives_a_clear_message_and_is_left_untouched(tmp_path, content, expected):
    path = tmp_path / "scenarios.db"
    path.write_bytes(content)
    before = path.stat().st_mtime_ns
    with pytest.raises(StoreError, match=expected) as info:
        ScenarioStore(path)
    assert "left untouched" in str(info.value) and "FUNNELCAST_DATA_DIR" in str(info.value)
    assert path.read_bytes() == content and path.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios.db"]


def test_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "scenarios.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    content = path.read_bytes()
    with pytest.raises(StoreError, match="belongs to another program.*invoices"):
        ScenarioStore(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios.db"]


def test_store_written_by_a_newer_app_is_refused(tmp_path):
    path = tmp_path / "scenarios.db"
    ScenarioStore(path).save(Scenario())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    with pytest.raises(StoreError, match="newer version of the app"):
        ScenarioStore(path)


def open_files_under(folder) -> list[str]:
    names = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            names.append(target)
    return names


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_no_connection_stays_open_between_calls(tmp_path):
    """A leaked connection would lose its locks when any descriptor on the file closes (SQLite's POSIX-lock hazard)."""
    store = ScenarioStore(tmp_path / "scenarios.db")
    store.save(Scenario())
    store.load("Base plan")
    store.list()
    assert open_files_under(tmp_path) == []


def test_a_store_written_by_a_newer_app_is_refused_on_postgresql_too(pg_server):
    import psycopg

    url = pg_server.new_database()
    ScenarioStore(url=url).close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE funnelcast_meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreError, match="newer version of the app"):
        ScenarioStore(url=url)


def test_a_url_that_is_not_postgresql_is_refused_and_passwords_never_show(pg_server):
    with pytest.raises(StoreError, match="not a PostgreSQL URL"):
        ScenarioStore(url="mysql://root:hunter2@db/x")
    bad = f"postgresql://funnelcast:hunter2@127.0.0.1:{pg_server.port}/no_such_db"
    with pytest.raises(StoreError, match="cannot be reached") as info:
        ScenarioStore(url=bad)
    assert "hunter2" not in str(info.value) and "***" in str(info.value)


def test_several_servers_starting_at_once_migrate_once(pg_server):
    url = pg_server.new_database()
    handles, errors = [], []

    def start() -> None:
        try:
            handles.append(ScenarioStore(url=url))
        except StoreError as exc:  # pragma: no cover - the failure this test looks for
            errors.append(exc)

    workers = [threading.Thread(target=start) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == [] and len(handles) == 6
    handles[0].save(Scenario(name="After"))
    assert handles[5].names() == ["After"]
    for handle in handles:
        handle.close()
