"""The backup and restore commands in docs/deploy.md, run as written, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from simulate.scenario import Scenario
from store import ScenarioStore

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "store", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def snapshot(store: ScenarioStore) -> dict:
    """Everything a user can see: scenarios, every version with who saved it, sharing, datasets."""
    result = {}
    for info in store.list():
        versions = store.versions(info.id)
        result[info.name] = {
            "owner": info.owner,
            "sharing": store.sharing(info.id),
            "versions": [
                (v.version, v.saved_by, v.saved_at, v.note, store.load(info.id, v.version).scenario.to_dict())
                for v in versions
            ],
            "datasets": {label: store.get_dataset(digest) for label, digest in store.load(info.id, 1).datasets.items()},
        }
    return result


def test_backup_then_restore_brings_back_every_version_share_and_dataset(open_store, store_target, tmp_path):
    ana = open_store().as_user("ana@example.com")
    digest = ana.put_dataset(b"deal,amount\n1,10\n", filename="crm.csv", kind="crm")
    ana.save(Scenario(name="Plan A", seed=1), note="first", datasets={"crm": digest})
    ana.save(Scenario(name="Plan A", seed=2), note="second")
    ana.save(Scenario(name="<b>Plan B</b>", seed=3))
    ana.share("Plan A", "li@example.com", "editor")
    before = snapshot(ana)

    if "url" in store_target:
        env = {"FUNNELCAST_STORE_URL": store_target["url"]}
    else:
        env = {"FUNNELCAST_DATA_DIR": str(store_target["path"].parent), "FUNNELCAST_STORE_URL": ""}
    backup = tmp_path / "funnelcast.backup"
    done = run_cli("backup", str(backup), env=env)
    assert done.returncode == 0, done.stderr
    assert "backed up to" in done.stdout and backup.stat().st_size > 0
    backup_bytes = backup.read_bytes()

    # after the backup: a scenario deleted, one changed, one added
    ana.delete("<b>Plan B</b>")
    ana.save(Scenario(name="Plan A", seed=9))
    ana.save(Scenario(name="Later"))
    assert snapshot(ana) != before

    done = run_cli("restore", str(backup), env=env)
    assert done.returncode == 0, done.stderr
    assert "restored from" in done.stdout
    assert snapshot(open_store().as_user("ana@example.com")) == before
    assert backup.read_bytes() == backup_bytes  # the backup itself is left as it was


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    done = run_cli(
        "restore", str(bogus), env={"FUNNELCAST_DATA_DIR": str(tmp_path / "data"), "FUNNELCAST_STORE_URL": ""}
    )
    assert done.returncode == 2 and done.stderr.startswith("error:") and "not a scenario store" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
