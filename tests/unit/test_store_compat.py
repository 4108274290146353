"""A store written before the layout move (by main at 0643ae6, see tests/fixtures/store) opens unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from store import ScenarioStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "store"


def test_a_store_written_before_the_layout_move_opens_with_every_version(tmp_path):
    path = tmp_path / "scenarios.db"
    shutil.copyfile(FIXTURES / "store-before-layout-move.db", path)
    expected = json.loads((FIXTURES / "store-before-layout-move.expected.json").read_text())
    store = ScenarioStore(path)
    assert sorted(store.names()) == sorted(expected)
    for name, versions in expected.items():
        infos = store.versions(name)
        assert len(infos) == len(versions)
        for info, want in zip(infos, versions, strict=True):
            # schema 2 reads a schema-1 scenario as the same plan in USD (simulate/scenario/value.py)
            assert store.load(name, info.version).scenario.to_dict() == {**want, "schema_version": 2, "currency": "USD"}
    full = store.load("Full plan").scenario
    assert full.team is not None and full.economics is not None and full.standards is not None
    assert store.load("Full plan").extras == {"page": {"quota": 150000}}


def test_the_upgrade_gives_old_scenarios_to_the_local_user_and_keeps_them_private(tmp_path):
    path = tmp_path / "scenarios.db"
    shutil.copyfile(FIXTURES / "store-before-layout-move.db", path)
    store = ScenarioStore(path)
    assert {info.owner for info in store.list()} == {"local"}
    assert all(v.saved_by == "local" for name in store.names() for v in store.versions(name))
    assert store.as_user("ana@example.com").list() == []
