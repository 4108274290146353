"""The scenario store: save, rename, duplicate, delete, share and version scenarios; every version is kept.

Backends (store.backends): one SQLite file (default ~/.local/share/funnelcast/scenarios.db;
FUNNELCAST_DATA_DIR or an explicit path overrides it) or a PostgreSQL database given by URL
(`postgresql://...`), which several server processes share. Each call is one transaction, so browser
sessions (threads) and processes can save at once without losing a version.

Users. Every call acts for one user (`store.as_user("ana@example.com")`; without sign-in it is the fixed
LOCAL_USER). A scenario has an owner and is private by default; the owner shares it with named people
(e-mail) or the whole organisation (ORG) as viewer or editor. Viewers open it; editors also save new
versions; only the owner renames, deletes or changes sharing. A scenario the user may not see behaves as if
it did not exist (same message), whether asked for by name or by id. Names are unique per owner.

Concurrency. `save(..., expected_version=N)` refuses with VersionConflict when the latest version is no
longer N (someone else saved meanwhile); nothing is overwritten, versions are only ever added.

Datasets. `put_dataset` keeps an uploaded file once per content (sha256); `save(..., datasets={label: hash})`
attaches files to the new version. A dataset can be read by whoever uploaded it and by whoever can see a
scenario version it is attached to; attaching needs read access to the file, so a guessed hash opens nothing.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from simulate.scenario import Scenario, ScenarioError, load_json
from store.backends import ENV_DIR, PostgresBackend, SqliteBackend, redact
from store.errors import AccessDenied, StoreError, VersionConflict
from store.schema import LOCAL_USER, STORE_SCHEMA, name_key

FILE_NAME = "scenarios.db"
ENV_URL = "FUNNELCAST_STORE_URL"
MAX_NAME = 120
MAX_DATASET_BYTES = 200_000_000
ORG = "*"  # share with the whole organisation (everyone who can sign in)
ROLES = ("viewer", "editor")
_RANK = {"": 0, "viewer": 1, "editor": 2, "owner": 3}
_HASH = re.compile(r"[0-9a-f]{64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+|" + re.escape(LOCAL_USER))

__all__ = [
    "ENV_DIR",
    "ENV_URL",
    "LOCAL_USER",
    "ORG",
    "ROLES",
    "STORE_SCHEMA",
    "AccessDenied",
    "Saved",
    "ScenarioInfo",
    "ScenarioStore",
    "Sharing",
    "StoreError",
    "VersionConflict",
    "VersionInfo",
    "default_data_dir",
    "redact",
]


@dataclass(frozen=True)
class ScenarioInfo:
    """One scenario the user can see: name, versions, when created and last saved (UTC ISO), owner, the user's role."""

    name: str
    versions: int
    latest_version: int
    created_at: str
    updated_at: str
    id: int = 0
    owner: str = LOCAL_USER
    role: str = "owner"  # owner, editor or viewer
    saved_by: str = ""  # who saved the latest version


@dataclass(frozen=True)
class VersionInfo:
    name: str
    version: int
    saved_at: str
    note: str
    saved_by: str = ""


@dataclass(frozen=True)
class Saved:
    """A loaded version: the scenario (named as in the store), page inputs and datasets kept beside it."""

    scenario: Scenario
    version: int
    saved_at: str
    note: str
    extras: dict
    saved_by: str = ""
    datasets: dict = field(default_factory=dict)  # label -> sha256 of a dataset (get_dataset)
    id: int = 0
    owner: str = LOCAL_USER
    role: str = "owner"


@dataclass(frozen=True)
class Sharing:
    """Who may see a scenario: the owner, the organisation's role ('' = private) and named people."""

    owner: str
    org_role: str
    people: dict  # e-mail -> "viewer" | "editor"


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


def _clean_user(user: object) -> str:
    if not isinstance(user, str) or not _EMAIL.fullmatch(user.strip()):
        raise StoreError(f"'{user}' is not an e-mail address; share with someone's sign-in e-mail.")
    return user.strip().lower()


# The user's role on scenario `s` (in SQL): owner, the best named share, or the organisation's role.
_ROLE_SQL = (
    "CASE WHEN s.owner = ? THEN 'owner' "
    "WHEN EXISTS (SELECT 1 FROM shares sh WHERE sh.scenario_id = s.id AND sh.email = ? AND sh.role = 'editor') "
    "THEN 'editor' WHEN s.org_role = 'editor' THEN 'editor' "
    "WHEN EXISTS (SELECT 1 FROM shares sh WHERE sh.scenario_id = s.id AND sh.email = ?) THEN 'viewer' "
    "WHEN s.org_role = 'viewer' THEN 'viewer' ELSE '' END"
)
_VISIBLE_SQL = (
    "(s.owner = ? OR s.org_role <> '' OR EXISTS (SELECT 1 FROM shares sh WHERE sh.scenario_id = s.id AND sh.email = ?))"
)


class ScenarioStore:
    """The scenario store at `path` (a file), in `data_dir`, or at a PostgreSQL `url`; created on first use.

    Acts for LOCAL_USER; `as_user(email)` gives the same store acting for a signed-in user.
    `read_only` / `unavailable` say why saving / reading is impossible (a read-only data folder), else None.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        data_dir: str | Path | None = None,
        url: str | None = None,
        user: str = LOCAL_USER,
    ):
        self.user = _clean_user(user)
        if url is not None:
            if not str(url).startswith(("postgresql://", "postgres://")):
                raise StoreError(
                    f"The store URL {redact(str(url))} is not a PostgreSQL URL (postgresql://user@host/db); "
                    f"leave {ENV_URL} unset to use the SQLite file in the data folder."
                )
            self.path = None
            self._backend = PostgresBackend(str(url))
        else:
            if path is None:
                folder = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
                path = folder / FILE_NAME
            self.path = Path(path)
            self._backend = SqliteBackend(self.path)

    def as_user(self, user: str) -> ScenarioStore:
        """The same store (same connections) acting for `user` (an e-mail, or LOCAL_USER)."""
        view = copy.copy(self)
        view.user = _clean_user(user)
        return view

    @property
    def backend(self) -> str:
        return self._backend.dialect

    @property
    def location(self) -> str:
        """The file, or the PostgreSQL URL without its password."""
        return self._backend.location

    @property
    def read_only(self) -> str | None:
        return self._backend.read_only

    @property
    def unavailable(self) -> str | None:
        return self._backend.unavailable

    def close(self) -> None:
        if isinstance(self._backend, PostgresBackend):
            self._backend.close()

    # --- finding a scenario the user may see ---------------------------------------------------------------
    def _find(self, tx, ref: str | int, *, lock: bool = False) -> tuple[int, str, str, str]:
        """(id, stored name, owner, the user's role) for a name or id the user may see, else StoreError."""
        me = self.user
        suffix = " FOR UPDATE" if lock else ""
        if isinstance(ref, int) and not isinstance(ref, bool):
            rows = tx.all(
                f"SELECT s.id, s.name, s.owner, {_ROLE_SQL} FROM scenarios s WHERE s.id = ? AND {_VISIBLE_SQL}{suffix}",
                (me, me, me, int(ref), me, me),
            )
            if not rows:
                raise StoreError(f"No saved scenario you can open has id {int(ref)}.")
        else:
            if not isinstance(ref, str) or not ref.strip():
                raise StoreError("A scenario needs a name: type one and save again.")
            rows = tx.all(
                f"SELECT s.id, s.name, s.owner, {_ROLE_SQL} FROM scenarios s "
                f"WHERE s.name_key = ? AND {_VISIBLE_SQL} ORDER BY (s.owner = ?) DESC, s.id{suffix}",
                (me, me, me, name_key(ref), me, me, me),
            )
            if not rows:
                raise StoreError(f"No saved scenario is called '{' '.join(ref.split())}'.")
            if len(rows) > 1 and rows[0][2] != me:
                owners = ", ".join(sorted(r[2] for r in rows))
                raise StoreError(
                    f"Several scenarios shared with you are called '{rows[0][1]}' (owners {owners}); pick one in the list."
                )
        sid, name, owner, role = rows[0]
        return int(sid), name, owner, role

    def _need(self, role: str, have: str, name: str, action: str) -> None:
        if _RANK[have] < _RANK[role]:
            if have == "viewer":
                hint = "save it under a new name to keep your changes" if action == "save" else "ask its owner"
                raise AccessDenied(f"You can view '{name}' but not {action} it; {hint}.")
            raise AccessDenied(f"Only the owner of '{name}' can {action} it.")

    # --- writing -----------------------------------------------------------------------------------------
    def save(
        self,
        scenario: Scenario,
        name: str | int | None = None,
        *,
        note: str = "",
        extras: dict | None = None,
        datasets: dict | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Save a new version; returns its version number.

        `name` is a name (default: the scenario's own name) or the id of a scenario shared with the user. A
        name the user owns gets a new version; another name becomes a new scenario owned by the user (by name, only the user's own scenarios are found: a colleague's shared
        scenario is saved into by its id). `expected_version` is the version this save started from (0 = a new
        scenario): if someone saved since, VersionConflict and nothing is written. `extras` holds page inputs
        that are not part of the Scenario (JSON values); `datasets` maps labels to dataset hashes.
        """
        ref: str | int = name if isinstance(name, int) and not isinstance(name, bool) else None  # type: ignore[assignment]
        if ref is None:
            ref = _clean_name(name if name is not None else scenario.name)
        try:
            extras_json = json.dumps(extras or {}, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            raise StoreError(f"Page inputs could not be saved with the scenario ({exc}).") from None
        attached = self._clean_datasets(datasets)
        now, me = _now(), self.user
        with self._backend.write() as tx:
            if isinstance(ref, int):
                sid, stored, _owner, role = self._find(tx, ref, lock=True)
            else:  # by name: only the user's own scenarios (a colleague's is saved into by id)
                own = tx.one(
                    "SELECT id, name FROM scenarios WHERE owner = ? AND name_key = ? FOR UPDATE", (me, name_key(ref))
                )
                sid, stored, role = (int(own[0]), own[1], "owner") if own else (None, ref, "owner")
            if sid is None:
                row = tx.one(
                    "INSERT INTO scenarios (name, name_key, owner, org_role, created_at, updated_at) "
                    "VALUES (?, ?, ?, '', ?, ?) ON CONFLICT (owner, name_key) DO NOTHING RETURNING id",
                    (stored, name_key(stored), me, now, now),
                )
                if row is None:  # created by another session of the same user a moment ago
                    sid, stored = tx.one(
                        "SELECT id, name FROM scenarios WHERE owner = ? AND name_key = ? FOR UPDATE",
                        (me, name_key(ref)),
                    )
                else:
                    sid = int(row[0])
            self._need("editor", role, stored, "save")
            latest = tx.one(
                "SELECT version, saved_by, saved_at FROM versions WHERE scenario_id = ? ORDER BY version DESC LIMIT 1",
                (sid,),
            )
            number = 0 if latest is None else int(latest[0])
            if expected_version is not None and number != int(expected_version):
                by, at = (latest[1], latest[2]) if latest else ("", "")
                when = at[:16].replace("T", " ")
                raise VersionConflict(
                    f"'{stored}' was saved by {by or 'someone'} at {when} UTC (version {number}) after you opened "
                    f"version {expected_version}. Nothing was overwritten. Open version {number} to see their "
                    f"changes, or save again to add yours as version {number + 1}.",
                    latest=number,
                    saved_by=by,
                    saved_at=at,
                )
            self._check_readable(tx, attached.values())
            body = scenario.replace(name=stored).to_json(indent=None)
            row = tx.one(
                "INSERT INTO versions (scenario_id, version, saved_at, saved_by, note, scenario_json, extras_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (sid, number + 1, now, me, str(note)[:500], body, extras_json),
            )
            for label, digest in attached.items():
                tx.run(
                    "INSERT INTO version_datasets (version_id, label, hash) VALUES (?, ?, ?)", (row[0], label, digest)
                )
            tx.run("UPDATE scenarios SET updated_at = ? WHERE id = ?", (now, sid))
        return number + 1

    def rename(self, old: str | int, new: str) -> None:
        new = _clean_name(new)
        with self._backend.write() as tx:
            sid, stored, owner, role = self._find(tx, old, lock=True)
            self._need("owner", role, stored, "rename")
            other = tx.one("SELECT id FROM scenarios WHERE owner = ? AND name_key = ?", (owner, name_key(new)))
            if other is not None and int(other[0]) != sid:
                raise StoreError(f"A scenario called '{new}' already exists; pick another name.")
            tx.run(
                "UPDATE scenarios SET name = ?, name_key = ?, updated_at = ? WHERE id = ?",
                (new, name_key(new), _now(), sid),
            )

    def duplicate(self, name: str | int, new: str) -> None:
        """Copy the latest version of `name` (with its datasets) as version 1 of a new scenario `new` owned by the user."""
        new = _clean_name(new)
        me = self.user
        with self._backend.write() as tx:
            sid, stored, _owner, _role = self._find(tx, name)
            if tx.one("SELECT id FROM scenarios WHERE owner = ? AND name_key = ?", (me, name_key(new))):
                raise StoreError(f"A scenario called '{new}' already exists; pick another name.")
            vid, body, extras = tx.one(
                "SELECT id, scenario_json, extras_json FROM versions WHERE scenario_id = ? ORDER BY version DESC LIMIT 1",
                (sid,),
            )
            data = load_json(body, "stored scenario").data
            data["name"] = new
            now = _now()
            (nid,) = tx.one(
                "INSERT INTO scenarios (name, name_key, owner, org_role, created_at, updated_at) "
                "VALUES (?, ?, ?, '', ?, ?) RETURNING id",
                (new, name_key(new), me, now, now),
            )
            (new_vid,) = tx.one(
                "INSERT INTO versions (scenario_id, version, saved_at, saved_by, note, scenario_json, extras_json) "
                "VALUES (?, 1, ?, ?, ?, ?, ?) RETURNING id",
                (nid, now, me, f"copy of '{stored}'", json.dumps(data), extras),
            )
            tx.run(
                "INSERT INTO version_datasets (version_id, label, hash) "
                "SELECT ?, label, hash FROM version_datasets WHERE version_id = ?",
                (new_vid, vid),
            )

    def delete(self, name: str | int) -> None:
        """Remove a scenario and all its versions (owner only)."""
        with self._backend.write() as tx:
            sid, stored, _owner, role = self._find(tx, name, lock=True)
            self._need("owner", role, stored, "delete")
            tx.run(
                "DELETE FROM version_datasets WHERE version_id IN (SELECT id FROM versions WHERE scenario_id = ?)",
                (sid,),
            )
            tx.run("DELETE FROM versions WHERE scenario_id = ?", (sid,))
            tx.run("DELETE FROM shares WHERE scenario_id = ?", (sid,))
            tx.run("DELETE FROM scenarios WHERE id = ?", (sid,))

    def share(self, name: str | int, who: str, role: str | None) -> None:
        """Share with `who` (an e-mail, or ORG for everyone) as "viewer" or "editor"; role None stops sharing."""
        if role is not None and role not in ROLES:
            raise StoreError(f"A scenario is shared as viewer or editor, not '{role}'.")
        with self._backend.write() as tx:
            sid, stored, owner, have = self._find(tx, name, lock=True)
            self._need("owner", have, stored, "share")
            if who == ORG:
                tx.run("UPDATE scenarios SET org_role = ? WHERE id = ?", (role or "", sid))
                return
            email = _clean_user(who)
            if email == owner:
                raise StoreError(f"{email} owns '{stored}' already.")
            tx.run("DELETE FROM shares WHERE scenario_id = ? AND email = ?", (sid, email))
            if role is not None:
                tx.run("INSERT INTO shares (scenario_id, email, role) VALUES (?, ?, ?)", (sid, email, role))

    def sharing(self, name: str | int) -> Sharing:
        with self._backend.read() as tx:
            sid, _stored, owner, _role = self._find(tx, name)
            (org_role,) = tx.one("SELECT org_role FROM scenarios WHERE id = ?", (sid,))
            people = dict(tx.all("SELECT email, role FROM shares WHERE scenario_id = ? ORDER BY email", (sid,)))
        return Sharing(owner, org_role, people)

    # --- datasets ----------------------------------------------------------------------------------------
    def put_dataset(self, content: bytes, *, filename: str, kind: str) -> str:
        """Keep an uploaded file (once per content); returns its sha256 (hex) to pass to save(datasets=...)."""
        if not isinstance(content, bytes | bytearray | memoryview):
            raise StoreError("A dataset is the file's bytes.")
        content = bytes(content)
        if len(content) > MAX_DATASET_BYTES:
            raise StoreError(
                f"This file is {len(content) / 1e6:.0f} MB; files kept with a scenario are at most "
                f"{MAX_DATASET_BYTES / 1e6:.0f} MB."
            )
        digest = hashlib.sha256(content).hexdigest()
        now = _now()
        with self._backend.write() as tx:
            tx.run(
                "INSERT INTO datasets (hash, filename, kind, size, content, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (hash) DO NOTHING",
                (digest, str(filename)[:255], str(kind)[:40], len(content), content, now),
            )
            tx.run(
                "INSERT INTO dataset_uploads (hash, uploaded_by, uploaded_at) VALUES (?, ?, ?) "
                "ON CONFLICT (hash, uploaded_by) DO NOTHING",
                (digest, self.user, now),
            )
        return digest

    def get_dataset(self, digest: str) -> tuple[bytes, str, str]:
        """(content, filename, kind) of a dataset the user may read; StoreError when missing or not theirs."""
        digest = self._clean_hash(digest)
        with self._backend.read() as tx:
            self._check_readable(tx, [digest])
            content, filename, kind = tx.one("SELECT content, filename, kind FROM datasets WHERE hash = ?", (digest,))
        return bytes(content), filename, kind

    @staticmethod
    def _clean_hash(digest: object) -> str:
        if not isinstance(digest, str) or not _HASH.fullmatch(digest.strip().lower()):
            raise StoreError(f"'{digest}' is not a dataset id (a sha256 in hex).")
        return digest.strip().lower()

    def _clean_datasets(self, datasets: dict | None) -> dict[str, str]:
        if not datasets:
            return {}
        if not isinstance(datasets, dict):
            raise StoreError("Datasets are given as {label: dataset id}.")
        cleaned = {}
        for label, digest in datasets.items():
            if not isinstance(label, str) or not label.strip() or len(label) > 60:
                raise StoreError(f"Dataset label '{label}' must be text of 1-60 characters.")
            cleaned[label.strip()] = self._clean_hash(digest)
        return cleaned

    def _check_readable(self, tx, digests) -> None:
        me = self.user
        for digest in digests:
            ok = tx.one(
                "SELECT 1 FROM datasets d WHERE d.hash = ? AND (EXISTS (SELECT 1 FROM dataset_uploads u "
                "WHERE u.hash = d.hash AND u.uploaded_by = ?) OR EXISTS (SELECT 1 FROM version_datasets vd "
                f"JOIN versions v ON v.id = vd.version_id JOIN scenarios s ON s.id = v.scenario_id "
                f"WHERE vd.hash = d.hash AND {_VISIBLE_SQL}))",
                (digest, me, me, me),
            )
            if ok is None:
                raise StoreError(f"No dataset {digest[:12]}... is stored for you; upload the file again.")

    # --- reading -----------------------------------------------------------------------------------------
    def list(self) -> list[ScenarioInfo]:
        """Scenarios the user can see, most recently saved first."""
        if self.unavailable:
            return []
        with self._backend.read() as tx:
            return self._infos(tx)

    def info(self, name: str | int) -> ScenarioInfo:
        """One scenario the user can see (by name or id), as in list()."""
        with self._backend.read() as tx:
            sid, _stored, _owner, _role = self._find(tx, name)
            return self._infos(tx, sid)[0]

    def _infos(self, tx, sid: int | None = None) -> list[ScenarioInfo]:
        me = self.user
        only = "" if sid is None else " AND s.id = ?"
        extra = () if sid is None else (sid,)
        rows = tx.all(
            f"SELECT s.name, COUNT(v.id), MAX(v.version), s.created_at, s.updated_at, s.id, s.owner, {_ROLE_SQL} "
            f"FROM scenarios s JOIN versions v ON v.scenario_id = s.id WHERE {_VISIBLE_SQL}{only} "
            "GROUP BY s.id, s.name, s.created_at, s.updated_at, s.owner, s.org_role "
            "ORDER BY s.updated_at DESC, s.name",
            (me, me, me, me, me, *extra),
        )
        last = dict(
            tx.all(
                f"SELECT s.id, v.saved_by FROM scenarios s JOIN versions v ON v.scenario_id = s.id "
                f"WHERE {_VISIBLE_SQL}{only} AND v.version = (SELECT MAX(version) FROM versions WHERE scenario_id = s.id)",
                (me, me, *extra),
            )
        )
        return [ScenarioInfo(*row[:5], int(row[5]), row[6], row[7], last.get(row[5], "")) for row in rows]

    def names(self) -> list[str]:
        return [info.name for info in self.list()]

    def versions(self, name: str | int) -> list[VersionInfo]:
        """Every version of `name`, newest first, with who saved it and when."""
        with self._backend.read() as tx:
            sid, stored, _owner, _role = self._find(tx, name)
            rows = tx.all(
                "SELECT version, saved_at, note, saved_by FROM versions WHERE scenario_id = ? ORDER BY version DESC",
                (sid,),
            )
        return [VersionInfo(stored, *row) for row in rows]

    def load(self, name: str | int, version: int | None = None) -> Saved:
        """A saved version (default: the latest), named as in the store."""
        with self._backend.read() as tx:
            sid, stored, owner, role = self._find(tx, name)
            columns = "id, version, saved_at, note, scenario_json, extras_json, saved_by"
            if version is None:
                row = tx.one(
                    f"SELECT {columns} FROM versions WHERE scenario_id = ? ORDER BY version DESC LIMIT 1", (sid,)
                )
            else:
                row = tx.one(
                    f"SELECT {columns} FROM versions WHERE scenario_id = ? AND version = ?", (sid, int(version))
                )
                if row is None:
                    raise StoreError(f"'{stored}' has no version {version}.")
            datasets = dict(
                tx.all("SELECT label, hash FROM version_datasets WHERE version_id = ? ORDER BY label", (row[0],))
            )
        _vid, number, saved_at, note, body, extras, saved_by = row
        try:
            scenario = Scenario.from_json(body).replace(name=stored)
        except ScenarioError as exc:
            raise StoreError(
                f"Version {number} of '{stored}' cannot be opened by this app ({exc.field}: {exc.message})."
            ) from None
        return Saved(scenario, int(number), saved_at, note, load_json(extras, "stored extras").data, saved_by, datasets, sid, owner, role)
