"""SQLite scenario store: save, rename, duplicate, delete and version scenarios; every version is kept.

One file (default ~/.local/share/funnelcast/scenarios.db; FUNNELCAST_DATA_DIR or an explicit path
overrides it). Each call opens its own connection, so browser sessions (threads) and processes can
save at once: writes take SQLite's write lock up front (BEGIN IMMEDIATE) and wait for it, and a
commit is atomic in WAL mode, so a process killed mid-save leaves the old or the new version.
A file that is not ours (not SQLite, another program's database, damaged) raises StoreError and is
never written to.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from simulate.scenario import Scenario, ScenarioError

APPLICATION_ID = 0x46554E43  # "FUNC": marks the file as a funnelcast scenario store
STORE_SCHEMA = 1
SQLITE_HEADER = b"SQLite format 3\x00"
ENV_DIR = "FUNNELCAST_DATA_DIR"
FILE_NAME = "scenarios.db"
BUSY_TIMEOUT_S = 30.0
MAX_NAME = 120

# Closing *any* file descriptor on a database file drops every POSIX lock this process holds on it,
# including SQLite's own (a documented SQLite hazard that can corrupt the file). So the raw header
# check runs at most once per file per process, before this process opens SQLite connections to it.
_VERIFIED: set[str] = set()
_VERIFY_LOCK = threading.Lock()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    scenario_json TEXT NOT NULL,
    extras_json TEXT NOT NULL DEFAULT '{}',
    UNIQUE (scenario_id, version)
);
"""


class StoreError(Exception):
    """A problem with the store a user can act on; the message says what and how to fix it."""


@dataclass(frozen=True)
class ScenarioInfo:
    """One saved scenario: its name, how many versions, when created and last saved (UTC ISO)."""

    name: str
    versions: int
    latest_version: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class VersionInfo:
    name: str
    version: int
    saved_at: str
    note: str


@dataclass(frozen=True)
class Saved:
    """A loaded version: the scenario (named as in the store) and page inputs kept beside it."""

    scenario: Scenario
    version: int
    saved_at: str
    note: str
    extras: dict


def default_data_dir() -> Path:
    """FUNNELCAST_DATA_DIR, else $XDG_DATA_HOME/funnelcast, else ~/.local/share/funnelcast."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "funnelcast"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise StoreError("A scenario needs a name: type one and save again.")
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME:
        raise StoreError(f"Scenario names are at most {MAX_NAME} characters (got {len(cleaned)}); shorten it.")
    return cleaned


class ScenarioStore:
    """The scenario store at `path` (a file) or in `data_dir`; created on first use."""

    def __init__(self, path: str | Path | None = None, *, data_dir: str | Path | None = None):
        if path is None:
            path = Path(data_dir).expanduser() / FILE_NAME if data_dir is not None else default_data_dir() / FILE_NAME
        self.path = Path(path)
        with _VERIFY_LOCK:
            self._check_or_create()

    # --- opening -----------------------------------------------------------------------------
    def _refuse(self, why: str) -> StoreError:
        return StoreError(
            f"{self.path} {why}. It was left untouched. Move or rename that file, or point "
            f"{ENV_DIR} at another folder, and start again."
        )

    def _check_or_create(self) -> None:
        if self.path.exists() and not self.path.is_file():
            raise self._refuse("is not a file")
        if self.path.is_file() and self.path.stat().st_size > 0:
            key = str(self.path.resolve())
            if key not in _VERIFIED:
                with open(self.path, "rb") as fh:
                    header = fh.read(len(SQLITE_HEADER))
                if header != SQLITE_HEADER:
                    raise self._refuse("is not a scenario store (it is not an SQLite database)")
            self._check_ours()
            _VERIFIED.add(key)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the folder {self.path.parent} ({exc.strerror}); set {ENV_DIR} to a writable folder."
            ) from None
        conn = self._connect()
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN IMMEDIATE")
            (app_id,) = conn.execute("PRAGMA application_id").fetchone()
            if app_id == 0:  # another process may have created it a moment ago
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version={STORE_SCHEMA}")
            conn.execute("COMMIT")
            _VERIFIED.add(str(self.path.resolve()))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"The scenario store {self.path} could not be created ({exc}).") from None
        finally:
            conn.close()

    def _check_ours(self) -> None:
        """Read-only look at an existing SQLite file: ours, a newer store, or someone else's."""
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
            try:
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if app_id == APPLICATION_ID:
                    quick = conn.execute("PRAGMA quick_check").fetchone()[0]
                    if quick != "ok":
                        raise self._refuse(f"is damaged (SQLite says: {quick})")
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise self._refuse(f"is damaged or not a database (SQLite says: {exc})") from None
        if app_id != APPLICATION_ID:
            what = f"tables {', '.join(sorted(tables))}" if tables else "no tables"
            raise self._refuse(f"belongs to another program (an SQLite database with {what})")
        if version > STORE_SCHEMA:
            raise self._refuse(
                f"was written by a newer version of the app (store schema {version}, this app reads {STORE_SCHEMA})"
            )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write transaction; the write lock is taken at BEGIN so savers queue, not fail."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            _VERIFIED.add(str(self.path.resolve()))
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"The scenario store {self.path} could not be written ({exc}); nothing was changed."
            ) from None
        finally:
            conn.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"The scenario store {self.path} could not be read ({exc}).") from None
        finally:
            conn.close()

    @staticmethod
    def _scenario_id(conn: sqlite3.Connection, name: str) -> int | None:
        row = conn.execute("SELECT id FROM scenarios WHERE name = ?", (name,)).fetchone()
        return None if row is None else int(row[0])

    def _require(self, conn: sqlite3.Connection, name: str) -> int:
        found = self._scenario_id(conn, name)
        if found is None:
            raise StoreError(f"No saved scenario is called '{name}'.")
        return found

    # --- writing -----------------------------------------------------------------------------
    def save(self, scenario: Scenario, name: str | None = None, *, note: str = "", extras: dict | None = None) -> int:
        """Save a new version of `name` (default: the scenario's own name); returns its version number.

        `extras` holds page inputs that are not part of the Scenario (JSON-serialisable values).
        """
        name = _clean_name(name if name is not None else scenario.name)
        body = scenario.replace(name=name).to_json(indent=None)
        try:
            extras_json = json.dumps(extras or {}, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"Page inputs could not be saved with the scenario ({exc}).") from None
        now = _now()
        with self._write() as conn:
            sid = self._scenario_id(conn, name)
            if sid is None:
                sid = conn.execute(
                    "INSERT INTO scenarios (name, created_at, updated_at) VALUES (?, ?, ?)", (name, now, now)
                ).lastrowid
            (latest,) = conn.execute(
                "SELECT COALESCE(MAX(version), 0) FROM versions WHERE scenario_id = ?", (sid,)
            ).fetchone()
            conn.execute(
                "INSERT INTO versions (scenario_id, version, saved_at, note, scenario_json, extras_json) VALUES (?, ?, ?, ?, ?, ?)",
                (sid, latest + 1, now, str(note)[:500], body, extras_json),
            )
            conn.execute("UPDATE scenarios SET updated_at = ? WHERE id = ?", (now, sid))
        return int(latest + 1)

    def rename(self, old: str, new: str) -> None:
        new = _clean_name(new)
        with self._write() as conn:
            sid = self._require(conn, old)
            other = self._scenario_id(conn, new)
            if other is not None and other != sid:
                raise StoreError(f"A scenario called '{new}' already exists; pick another name.")
            conn.execute("UPDATE scenarios SET name = ?, updated_at = ? WHERE id = ?", (new, _now(), sid))

    def duplicate(self, name: str, new: str) -> None:
        """Copy the latest version of `name` as version 1 of a new scenario `new`."""
        new = _clean_name(new)
        with self._write() as conn:
            sid = self._require(conn, name)
            if self._scenario_id(conn, new) is not None:
                raise StoreError(f"A scenario called '{new}' already exists; pick another name.")
            body, extras = conn.execute(
                "SELECT scenario_json, extras_json FROM versions WHERE scenario_id = ? ORDER BY version DESC LIMIT 1",
                (sid,),
            ).fetchone()
            data = json.loads(body)
            data["name"] = new
            now = _now()
            nid = conn.execute(
                "INSERT INTO scenarios (name, created_at, updated_at) VALUES (?, ?, ?)", (new, now, now)
            ).lastrowid
            conn.execute(
                "INSERT INTO versions (scenario_id, version, saved_at, note, scenario_json, extras_json) VALUES (?, 1, ?, ?, ?, ?)",
                (nid, now, f"copy of '{name}'", json.dumps(data), extras),
            )

    def delete(self, name: str) -> None:
        """Remove a scenario and all its versions."""
        with self._write() as conn:
            sid = self._require(conn, name)
            conn.execute("DELETE FROM versions WHERE scenario_id = ?", (sid,))
            conn.execute("DELETE FROM scenarios WHERE id = ?", (sid,))

    # --- reading -----------------------------------------------------------------------------
    def list(self) -> list[ScenarioInfo]:
        """Saved scenarios, most recently saved first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT s.name, COUNT(v.id), MAX(v.version), s.created_at, s.updated_at FROM scenarios s "
                "JOIN versions v ON v.scenario_id = s.id GROUP BY s.id ORDER BY s.updated_at DESC, s.name"
            ).fetchall()
        return [ScenarioInfo(*row) for row in rows]

    def names(self) -> list[str]:
        return [info.name for info in self.list()]

    def versions(self, name: str) -> list[VersionInfo]:
        """Every version of `name`, newest first."""
        with self._read() as conn:
            sid = self._require(conn, name)
            rows = conn.execute(
                "SELECT version, saved_at, note FROM versions WHERE scenario_id = ? ORDER BY version DESC", (sid,)
            ).fetchall()
        return [VersionInfo(name, *row) for row in rows]

    def load(self, name: str, version: int | None = None) -> Saved:
        """A saved version (default: the latest), named as in the store."""
        with self._read() as conn:
            sid = self._require(conn, name)
            (stored_name,) = conn.execute("SELECT name FROM scenarios WHERE id = ?", (sid,)).fetchone()
            if version is None:
                row = conn.execute(
                    "SELECT version, saved_at, note, scenario_json, extras_json FROM versions "
                    "WHERE scenario_id = ? ORDER BY version DESC LIMIT 1",
                    (sid,),
                ).fetchone()
            else:
                row = conn.execute(
                    "SELECT version, saved_at, note, scenario_json, extras_json FROM versions WHERE scenario_id = ? AND version = ?",
                    (sid, int(version)),
                ).fetchone()
                if row is None:
                    raise StoreError(f"'{name}' has no version {version}.")
        number, saved_at, note, body, extras = row
        try:
            scenario = Scenario.from_json(body).replace(name=stored_name)
        except ScenarioError as exc:
            raise StoreError(
                f"Version {number} of '{stored_name}' cannot be opened by this app ({exc.field}: {exc.message})."
            ) from None
        return Saved(scenario, int(number), saved_at, note, json.loads(extras))
