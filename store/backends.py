"""Where the store's rows live: one SQLite file (default) or a PostgreSQL database, behind one small interface.

A backend hands out `Tx` objects (`read()` for a consistent read, `write()` for one atomic transaction) that
run the store's SQL, written once with `?` placeholders; PostgreSQL gets `%s` and `FOR UPDATE` row locks,
SQLite takes its write lock up front (BEGIN IMMEDIATE). Driver errors become StoreError with a message.

Schema migrations are versioned (store.schema) and applied when a backend opens: SQLite keeps the number
in `PRAGMA user_version`, PostgreSQL in the table `funnelcast_meta`; a store written by a newer app is
refused, never written to. PostgreSQL migrations run under an advisory lock, so several servers may start
at once.
"""

from __future__ import annotations

import os
import queue
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from store.errors import StoreError
from store.schema import MIGRATIONS, STORE_SCHEMA

APPLICATION_ID = 0x46554E43  # "FUNC": marks the file as a funnelcast scenario store
SQLITE_HEADER = b"SQLite format 3\x00"
ENV_DIR = "FUNNELCAST_DATA_DIR"
BUSY_TIMEOUT_S = 30.0
PG_LOCK_KEY = 0x46554E43  # advisory lock taken while migrating a PostgreSQL store

# Closing *any* file descriptor on a database file drops every POSIX lock this process holds on it,
# including SQLite's own (a documented SQLite hazard that can corrupt the file). So the raw header
# check runs at most once per file per process, before this process opens SQLite connections to it.
_VERIFIED: set[str] = set()
_VERIFY_LOCK = threading.Lock()


class Tx:
    """One connection inside a read or a write: `one`, `all` and `run` take SQL with `?` placeholders."""

    def __init__(self, conn, dialect: str):
        self._conn = conn
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        if self.dialect == "postgresql":
            return sql.replace("?", "%s")
        return sql.replace(" FOR UPDATE", "")

    def run(self, sql: str, params: tuple = ()):
        return self._conn.execute(self._sql(sql), params)

    def one(self, sql: str, params: tuple = ()):
        return self.run(sql, params).fetchone()

    def all(self, sql: str, params: tuple = ()) -> list:
        return self.run(sql, params).fetchall()


# --- SQLite ------------------------------------------------------------------------------------------------
class SqliteBackend:
    """One SQLite file; each call opens its own connection, WAL mode, atomic commits.

    A data directory that cannot be written leaves the store readable (`read_only` says why); a folder that
    cannot be created or read leaves it `unavailable` (with the reason). Neither raises.
    """

    dialect = "sqlite"

    def __init__(self, path: Path):
        self.path = path
        self.location = str(path)
        self.read_only: str | None = None
        self.unavailable: str | None = None
        self._uri: str | None = None  # read-only connections (a store that cannot be written)
        with _VERIFY_LOCK:
            self._open()

    # opening
    def _refuse(self, why: str) -> StoreError:
        return StoreError(
            f"{self.path} {why}. It was left untouched. Move or rename that file, or point "
            f"{ENV_DIR} at another folder, and start again."
        )

    def _cannot_write(self, why: str) -> str:
        return f"scenarios cannot be saved in {self.path.parent} ({why}); set {ENV_DIR} to a writable folder"

    def _open(self) -> None:
        if self.path.exists() and not self.path.is_file():
            raise self._refuse("is not a file")
        exists = self.path.is_file() and self.path.stat().st_size > 0
        if exists:
            key = str(self.path.resolve())
            if key not in _VERIFIED:
                try:
                    with open(self.path, "rb") as fh:
                        header = fh.read(len(SQLITE_HEADER))
                except OSError as exc:
                    self.unavailable = f"{self.path} cannot be read ({exc.strerror})"
                    return
                if header != SQLITE_HEADER:
                    raise self._refuse("is not a scenario store (it is not an SQLite database)")
            writable = self._writable()
            version = self._check_ours(self._ro_uri() if not writable else f"file:{self.path}?mode=ro")
            _VERIFIED.add(key)
            if not writable:
                self.read_only = self._cannot_write("the folder or the file is read-only")
                self._uri = self._ro_uri()
                if version < STORE_SCHEMA:
                    self.unavailable = (
                        f"{self.path} was written by an older version of the app and must be upgraded, "
                        f"but {self.read_only}"
                    )
                return
            if version == STORE_SCHEMA:
                return
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                self.read_only = self._cannot_write(f"the folder cannot be created: {exc.strerror}")
                self.unavailable = f"there is no store yet and {self.read_only}"
                return
            if not self._writable():
                self.read_only = self._cannot_write("the folder is read-only")
                self.unavailable = f"there is no store yet and {self.read_only}"
                return
        try:
            self._migrate()
        except StoreError as exc:
            if exists:
                raise
            self.read_only = self._cannot_write(str(exc))
            self.unavailable = f"there is no store yet and {self.read_only}"

    def _writable(self) -> bool:
        """Can we write here? A folder or file with no write bit at all counts as read-only even for root
        (root ignores permission bits, but an administrator who made the folder read-only meant it)."""

        def ok(path: Path, mode: int) -> bool:
            return os.access(path, mode) and bool(path.stat().st_mode & 0o222)

        try:
            return ok(self.path.parent, os.W_OK | os.X_OK) and (not self.path.exists() or ok(self.path, os.W_OK))
        except OSError:
            return False

    def _ro_uri(self) -> str:
        """Read-only access that creates no file: WAL side files exist only while a writer has the store open,
        so without them the file is complete and is opened as immutable."""
        side = [Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]
        if any(p.exists() for p in side):
            return f"file:{self.path}?mode=ro"
        return f"file:{self.path}?immutable=1"

    def _check_ours(self, uri: str) -> int:
        """Read-only look at an existing SQLite file: ours (returns its schema), a newer store, or someone else's."""
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
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
        return int(version)

    def _migrate(self) -> None:
        """Create the store or bring it to STORE_SCHEMA, one numbered step at a time, atomically."""
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the store file cannot be created: {exc}") from None
        try:
            conn.execute("PRAGMA foreign_keys=OFF")  # table rebuilds must not cascade
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                (app_id,) = conn.execute("PRAGMA application_id").fetchone()
                (version,) = conn.execute("PRAGMA user_version").fetchone()
                if app_id == 0:
                    version = 0
                tx = Tx(conn, self.dialect)
                for number, step in MIGRATIONS:
                    if number > version:
                        step(tx)
                if conn.execute("PRAGMA foreign_key_check").fetchall():
                    raise StoreError("the upgrade found rows that point nowhere; nothing was changed")
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version={STORE_SCHEMA}")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            _VERIFIED.add(str(self.path.resolve()))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the scenario store {self.path} could not be created or upgraded ({exc})") from None
        finally:
            conn.close()

    # connections
    def _connect(self) -> sqlite3.Connection:
        if self._uri is not None:
            return sqlite3.connect(self._uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """One atomic write transaction; the write lock is taken at BEGIN so savers queue, not fail."""
        if self.read_only:
            raise StoreError(f"Read-only: {self.read_only}. Nothing was changed.")
        conn = None
        try:
            conn = self._connect()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(conn, self.dialect)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"The scenario store {self.path} could not be written ({exc}); nothing was changed."
            ) from None
        finally:
            if conn is not None:
                conn.close()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        conn = None
        try:
            conn = self._connect()
            conn.execute("BEGIN")  # one snapshot for the whole read
            yield Tx(conn, self.dialect)
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"The scenario store {self.path} could not be read ({exc}).") from None
        finally:
            if conn is not None:
                conn.close()


# --- PostgreSQL --------------------------------------------------------------------------------------------
def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable PostgreSQL URL)"
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


class PostgresBackend:
    """A PostgreSQL database shared by every server process; a small pool of connections per process."""

    dialect = "postgresql"
    POOL = 8

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError:  # pragma: no cover - psycopg is pinned in requirements.txt
            raise StoreError("PostgreSQL needs the psycopg package: pip install -r requirements.txt") from None
        self._psycopg = psycopg
        self.url = url
        self.location = redact(url)
        self.read_only: str | None = None
        self.unavailable: str | None = None
        self._pool: queue.LifoQueue = queue.LifoQueue()
        self._migrate()

    def close(self) -> None:
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return

    def _problem(self, exc: Exception) -> str:
        text = re.sub(r"\s+", " ", str(exc)).strip()
        return text.replace(self.url, self.location)

    def _new(self):
        try:
            return self._psycopg.connect(self.url, connect_timeout=10, autocommit=True)
        except self._psycopg.Error as exc:
            raise StoreError(
                f"The PostgreSQL store {self.location} cannot be reached ({self._problem(exc)})."
            ) from None

    @contextmanager
    def _conn(self) -> Iterator:
        try:
            conn = self._pool.get_nowait()
            if conn.closed or conn.broken:
                conn = self._new()
        except queue.Empty:
            conn = self._new()
        healthy = True
        try:
            yield conn
        except BaseException:
            healthy = not conn.broken and not conn.closed
            raise
        finally:
            if healthy and self._pool.qsize() < self.POOL:
                self._pool.put(conn)
            else:
                conn.close()

    @contextmanager
    def _transaction(self, verb: str) -> Iterator[Tx]:
        with self._conn() as conn:
            try:
                with conn.transaction():
                    yield Tx(conn, self.dialect)
            except self._psycopg.Error as exc:
                raise StoreError(
                    f"The PostgreSQL store {self.location} could not be {verb} ({self._problem(exc)}); nothing was changed."
                ) from None

    @contextmanager
    def write(self) -> Iterator[Tx]:
        with self._transaction("written") as tx:
            yield tx

    @contextmanager
    def read(self) -> Iterator[Tx]:
        with self._transaction("read") as tx:
            tx.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield tx

    def _migrate(self) -> None:
        with self._transaction("upgraded") as tx:
            tx.run("SELECT pg_advisory_xact_lock(?)", (PG_LOCK_KEY,))
            tx.run("CREATE TABLE IF NOT EXISTS funnelcast_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = tx.one("SELECT value FROM funnelcast_meta WHERE key = 'schema'")
            version = int(row[0]) if row else 0
            if version > STORE_SCHEMA:
                raise StoreError(
                    f"The PostgreSQL store {self.location} was written by a newer version of the app (store schema "
                    f"{version}, this app reads {STORE_SCHEMA}). It was left untouched; upgrade the app."
                )
            for number, step in MIGRATIONS:
                if number > version:
                    step(tx)
            tx.run(
                "INSERT INTO funnelcast_meta (key, value) VALUES ('schema', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (str(STORE_SCHEMA),),
            )
