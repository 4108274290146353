"""Owners, sharing, who saved what, version conflicts and datasets, on SQLite and PostgreSQL alike.

The `store` / `open_store` fixtures (tests/unit/conftest.py) run each test on both backends.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from simulate.scenario import Scenario
from store import LOCAL_USER, ORG, AccessDenied, ScenarioStore, StoreError, VersionConflict

ANA, LI, MO = "ana@example.com", "li@example.com", "mo@example.com"


@pytest.fixture
def users(open_store):
    base = open_store()
    return base.as_user(ANA), base.as_user(LI), base.as_user(MO)


def test_a_scenario_is_private_to_its_owner_by_name_and_by_id(users):
    ana, li, _ = users
    ana.save(Scenario(name="Plan 2027", seed=1), note="first")
    sid = ana.load("Plan 2027").id
    assert li.list() == [] and li.names() == []
    with pytest.raises(StoreError) as by_name:
        li.load("Plan 2027")
    with pytest.raises(StoreError) as by_id:
        li.load(sid)
    with pytest.raises(StoreError) as unknown_id:
        li.load(sid + 1000)
    # a guessed name or id gets the same answer as one that does not exist
    assert str(by_name.value) == "No saved scenario is called 'Plan 2027'."
    assert str(by_id.value).replace(str(sid), "N") == str(unknown_id.value).replace(str(sid + 1000), "N")
    for action in (lambda: li.versions(sid), lambda: li.rename(sid, "Mine"), lambda: li.delete(sid)):
        with pytest.raises(StoreError, match="No saved scenario"):
            action()
    with pytest.raises(StoreError, match="No saved scenario"):
        li.save(Scenario(name="x"), sid)
    # saving by the same name makes li's own scenario; ana's is untouched
    assert li.save(Scenario(name="Plan 2027", seed=99)) == 1
    assert ana.load("Plan 2027").scenario.seed == 1 and len(ana.versions("Plan 2027")) == 1
    assert [(i.name, i.owner) for i in li.list()] == [("Plan 2027", LI)]


def test_a_viewer_opens_but_cannot_save_rename_delete_or_share(users):
    ana, li, mo = users
    ana.save(Scenario(name="Board plan", seed=3))
    ana.share("Board plan", LI, "viewer")
    sid = ana.load("Board plan").id
    opened = li.load("Board plan")
    assert opened.scenario.seed == 3 and opened.role == "viewer" and opened.owner == ANA
    with pytest.raises(AccessDenied, match="can view 'Board plan' but not save it"):
        li.save(Scenario(name="Board plan", seed=4), sid)
    with pytest.raises(AccessDenied):
        li.rename(sid, "Taken over")
    with pytest.raises(AccessDenied):
        li.delete(sid)
    with pytest.raises(AccessDenied):
        li.share(sid, MO, "editor")
    assert [v.version for v in ana.versions("Board plan")] == [1]
    assert mo.list() == []


def test_an_editor_saves_versions_and_history_names_who_and_when(users):
    ana, li, mo = users
    ana.save(Scenario(name="Shared plan", seed=1), note="ana's start")
    ana.share("Shared plan", LI, "editor")
    sid = li.list()[0].id
    assert li.list()[0].role == "editor"
    assert li.save(Scenario(name="ignored", seed=2), sid, note="li's change") == 2
    history = ana.versions("Shared plan")
    assert [(v.version, v.saved_by, v.note) for v in history] == [(2, LI, "li's change"), (1, ANA, "ana's start")]
    assert history[0].saved_at >= history[1].saved_at
    assert ana.load("Shared plan").scenario.name == "Shared plan"  # the stored name wins
    assert ana.list()[0].saved_by == LI
    with pytest.raises(AccessDenied, match="Only the owner"):
        li.delete(sid)
    with pytest.raises(StoreError, match="No saved scenario"):
        mo.load(sid)


def test_sharing_with_the_whole_organisation_and_stopping(users):
    ana, li, mo = users
    ana.save(Scenario(name="Org plan"))
    ana.share("Org plan", ORG, "viewer")
    assert li.names() == ["Org plan"] and mo.load("Org plan").role == "viewer"
    ana.share("Org plan", MO, "editor")  # a named share can be stronger than the organisation's
    assert mo.load("Org plan").role == "editor" and li.load("Org plan").role == "viewer"
    assert ana.sharing("Org plan").people == {MO: "editor"} and ana.sharing("Org plan").org_role == "viewer"
    ana.share("Org plan", ORG, None)
    ana.share("Org plan", MO, None)
    assert li.names() == [] and mo.names() == []
    with pytest.raises(StoreError, match="not an e-mail"):
        ana.share("Org plan", "<script>", "viewer")
    with pytest.raises(StoreError, match="viewer or editor"):
        ana.share("Org plan", LI, "owner")


def test_saving_from_an_old_version_is_a_conflict_and_nothing_is_overwritten(users):
    ana, li, _ = users
    ana.save(Scenario(name="Q3", seed=1))
    ana.share("Q3", LI, "editor")
    sid = ana.load("Q3").id
    # both open version 1; li saves first
    assert li.save(Scenario(seed=2), sid, expected_version=1) == 2
    with pytest.raises(VersionConflict) as info:
        ana.save(Scenario(name="Q3", seed=3), expected_version=1)
    assert info.value.latest == 2 and info.value.saved_by == LI
    assert "Nothing was overwritten" in str(info.value) and LI in str(info.value)
    assert [v.version for v in ana.versions("Q3")] == [2, 1]
    assert ana.load("Q3").scenario.seed == 2
    # saving again on top of what is there now keeps both
    assert ana.save(Scenario(name="Q3", seed=3), expected_version=2) == 3
    assert [ana.load("Q3", v).scenario.seed for v in (1, 2, 3)] == [1, 2, 3]
    with pytest.raises(VersionConflict):  # "this is a new scenario" while one of that name exists
        ana.save(Scenario(name="q3"), expected_version=0)


def test_concurrent_savers_with_conflict_checks_lose_no_version(open_store):
    """Eight sessions each save 10 versions, retrying on a conflict: all 80 land, numbered 1..80, none twice."""
    first = open_store()
    first.save(Scenario(name="Hot", seed=0))
    handles = [open_store() for _ in range(8)]
    conflicts = []

    def saver(t: int) -> None:
        store = handles[t]
        for k in range(10):
            while True:
                seen = store.load("Hot").version
                try:
                    store.save(Scenario(name="Hot", seed=1000 * (t + 1) + k), expected_version=seen)
                    break
                except VersionConflict:
                    conflicts.append(t)

    workers = [threading.Thread(target=saver, args=(t,)) for t in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    versions = first.versions("Hot")
    assert sorted(v.version for v in versions) == list(range(1, 82))
    seeds = {first.load("Hot", v.version).scenario.seed for v in versions}
    assert seeds == {0} | {1000 * (t + 1) + k for t in range(8) for k in range(10)}


def test_datasets_are_kept_once_and_come_back_with_the_version(users):
    ana, _, _ = users
    crm = b"deal_id,amount\n1,100\n2,250\n"
    digest = ana.put_dataset(crm, filename="crm.csv", kind="crm")
    assert ana.put_dataset(crm, filename="again.csv", kind="crm") == digest  # deduplicated by content
    assert len(digest) == 64
    monthly = ana.put_dataset(b"month,leads\n2026-01,10\n", filename="m.csv", kind="monthly")
    ana.save(Scenario(name="With data"), datasets={"crm": digest, "monthly": monthly})
    ana.save(Scenario(name="With data", seed=2))
    assert ana.load("With data", 1).datasets == {"crm": digest, "monthly": monthly}
    assert ana.load("With data").datasets == {}
    assert ana.get_dataset(digest) == (crm, "crm.csv", "crm")
    with pytest.raises(StoreError, match="No dataset"):
        ana.get_dataset("0" * 64)
    with pytest.raises(StoreError, match="not a dataset id"):
        ana.get_dataset("../../etc/passwd")
    ana.duplicate("With data", "Copy")  # copies the latest version, which has no data
    assert ana.load("Copy").datasets == {}


def test_datasets_follow_the_scenarios_sharing(users):
    ana, li, mo = users
    digest = ana.put_dataset(b"secret,export\n", filename="crm.csv", kind="crm")
    for outsider in (li, mo):
        with pytest.raises(StoreError, match="No dataset"):
            outsider.get_dataset(digest)
        with pytest.raises(StoreError, match="No dataset"):  # a guessed hash cannot be attached to gain access
            outsider.save(Scenario(name="Mine"), datasets={"crm": digest})
    assert li.names() == []  # the refused save wrote nothing
    ana.save(Scenario(name="Plan"), datasets={"crm": digest})
    ana.share("Plan", LI, "viewer")
    assert li.get_dataset(digest)[0] == b"secret,export\n"
    li.duplicate("Plan", "Li's copy")
    assert li.load("Li's copy").datasets == {"crm": digest}
    with pytest.raises(StoreError, match="No dataset"):
        mo.get_dataset(digest)
    ana.share("Plan", LI, None)
    li.delete("Li's copy")
    with pytest.raises(StoreError, match="No dataset"):
        li.get_dataset(digest)


def test_names_with_html_and_formulas_are_kept_verbatim(store):
    for name in ('<img src=x onerror="alert(1)">', '=HYPERLINK("http://x","y")', "Robert'); DROP TABLE scenarios;--"):
        store.save(Scenario(name=name))
        assert store.load(name).scenario.name == name
    assert len(store.names()) == 3


def test_local_user_is_the_default_and_owns_scenarios_from_the_first_release(store):
    store.save(Scenario(name="Laptop plan"))
    info = store.list()[0]
    assert store.user == LOCAL_USER and info.owner == LOCAL_USER and info.role == "owner"
    assert store.versions("Laptop plan")[0].saved_by == LOCAL_USER


# --- a data folder that cannot be written (SQLite) -----------------------------------------------------------
def make_read_only(*folders: Path) -> None:
    """No write bit anywhere: the store treats that as read-only even for root (who ignores permission bits)."""
    for folder in folders:
        for path in [*folder.iterdir(), folder]:
            path.chmod(0o555 if path.is_dir() else 0o444)


def test_a_read_only_data_folder_degrades_to_read_only_without_an_exception(tmp_path):
    empty, filled = tmp_path / "empty", tmp_path / "filled"
    empty.mkdir()
    filled.mkdir()
    ScenarioStore(data_dir=filled).save(Scenario(name="Kept", seed=7))
    make_read_only(empty, filled)
    try:
        blank = ScenarioStore(data_dir=empty)
        assert "cannot be saved" in blank.read_only and "there is no store yet" in blank.unavailable
        assert blank.names() == [] and blank.list() == []
        with pytest.raises(StoreError, match="^Read-only: scenarios cannot be saved in .*FUNNELCAST_DATA_DIR"):
            blank.save(Scenario(name="New"))
        assert list(empty.iterdir()) == []

        kept = ScenarioStore(data_dir=filled)
        assert "read-only" in kept.read_only and kept.unavailable is None
        assert kept.names() == ["Kept"] and kept.load("Kept").scenario.seed == 7
        with pytest.raises(StoreError, match="^Read-only:"):
            kept.save(Scenario(name="New"))
        with pytest.raises(StoreError, match="^Read-only:"):
            kept.put_dataset(b"x", filename="x.csv", kind="crm")
        assert sorted(p.name for p in filled.iterdir()) == ["scenarios.db"]
    finally:
        for folder in (empty, filled):
            folder.chmod(0o755)


def test_a_data_folder_that_cannot_be_created_leaves_the_store_unavailable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = ScenarioStore(data_dir=blocker / "sub")
    assert "cannot be created" in store.read_only and store.names() == []
