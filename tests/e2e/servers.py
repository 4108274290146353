"""Processes the sign-in and shared-store browser tests start: Streamlit on a given port with given settings,
and a local OpenID Connect provider (the `oidc-provider-mock` package). Both on 127.0.0.1 and always stopped.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port(candidates: range) -> int:
    """The first port of `candidates` nobody listens on (the test's own range, see the helpers' brief)."""
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {candidates.start}-{candidates.stop - 1}")


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{url} exited early; log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer; log:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextlib.contextmanager
def streamlit_at(port: int, *, env: dict | None = None, args: tuple[str, ...] = ()) -> Iterator[str]:
    """`streamlit run app.py` on 127.0.0.1:port with extra environment and options; yields its URL."""
    folder = Path(tempfile.mkdtemp(prefix="funnelcast-e2e-"))
    log_path = folder / "streamlit.log"
    full_env = {
        **os.environ,
        "FUNNELCAST_DATA_DIR": str(folder / "data"),
        "PYTHONUNBUFFERED": "1",
        "OPENBLAS_NUM_THREADS": "1",
        **(env or {}),
    }
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                *args,
            ],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_http(f"{url}/_stcore/health", proc, log_path)
            yield url
        finally:
            stop(proc)


@contextlib.contextmanager
def oidc_provider(port: int) -> Iterator[str]:
    """A local OpenID Connect provider: any client id, the user types their e-mail as subject."""
    folder = Path(tempfile.mkdtemp(prefix="funnelcast-oidc-"))
    log_path = folder / "oidc.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
            cwd=folder,
            env={**os.environ, "AUTHLIB_INSECURE_TRANSPORT": "1", "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_http(f"{url}/.well-known/openid-configuration", proc, log_path, timeout=30)
            yield url
        finally:
            stop(proc)
