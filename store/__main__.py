"""Back up and restore the scenario store: `python -m store backup FILE` / `python -m store restore FILE`.

The store is the one the app uses: FUNNELCAST_STORE_URL (or `store_url` in the [funnelcast] section of
.streamlit/secrets.toml) for PostgreSQL, else the SQLite file in FUNNELCAST_DATA_DIR (or the default folder);
`--url` / `--data-dir` override. SQLite is copied with SQLite's online backup (consistent while servers run);
PostgreSQL uses pg_dump (custom format) and pg_restore --clean, so PostgreSQL's client programs must be
installed. Every scenario, version, share and dataset is in the file. Exit status 2 with one line on a problem.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

from store.db import ENV_URL, ScenarioStore, StoreError, default_data_dir, redact


def _secrets_url() -> str | None:
    path = Path(".streamlit") / "secrets.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    url = data.get("funnelcast", {}).get("store_url")
    return str(url).strip() if url else None


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise StoreError(
        f"{name} is not installed; install PostgreSQL's client programs (apt-get install postgresql-client)."
    )


def backup(url: str | None, data_dir: Path, dest: Path) -> str:
    if url:
        ScenarioStore(url=url).close()  # reachable and at this app's schema
        done = subprocess.run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dest), url],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise StoreError(f"pg_dump failed: {done.stderr.strip().replace(url, redact(url))}")
        return f"PostgreSQL store {redact(url)} backed up to {dest}"
    store = ScenarioStore(data_dir=data_dir)
    if store.unavailable:
        raise StoreError(f"Nothing to back up: {store.unavailable}")
    src = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    out = sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        out.close()
        src.close()
    return f"SQLite store {store.path} backed up to {dest}"


def restore(url: str | None, data_dir: Path, src: Path) -> str:
    if not src.is_file():
        raise StoreError(f"{src} is not a file.")
    if url:
        ScenarioStore(url=url).close()
        done = subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                url,
                str(src),
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise StoreError(f"pg_restore failed: {done.stderr.strip().replace(url, redact(url))}")
        ScenarioStore(url=url).close()  # a backup from an older app is migrated now
        return f"PostgreSQL store {redact(url)} restored from {src}"
    target = ScenarioStore(data_dir=data_dir)
    if target.read_only:
        raise StoreError(f"Cannot restore: {target.read_only}")
    staging = target.path.with_name(f".restore-{os.getpid()}.db")
    shutil.copyfile(src, staging)  # the backup file itself is never changed
    try:
        ScenarioStore(staging)  # refuses a file that is not a scenario store; brings an old one to this schema
        conn = sqlite3.connect(staging)
        try:
            out = sqlite3.connect(target.path, timeout=30)
            try:
                conn.backup(out)  # replaces the store's content in one step, under SQLite's locks
            finally:
                out.close()
        finally:
            conn.close()
    finally:
        for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
            leftover.unlink(missing_ok=True)
    return f"SQLite store {target.path} restored from {src}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["backup", "restore"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--url", help=f"PostgreSQL URL (default: {ENV_URL} or secrets.toml)")
    parser.add_argument("--data-dir", type=Path, help="SQLite data folder (default: FUNNELCAST_DATA_DIR)")
    args = parser.parse_args(argv)
    url = args.url or os.environ.get(ENV_URL, "").strip() or _secrets_url()
    data_dir = args.data_dir or default_data_dir()
    try:
        message = (backup if args.action == "backup" else restore)(url, data_dir, args.file)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
