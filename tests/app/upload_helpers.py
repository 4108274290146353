"""Shared helpers for the upload AppTests (tests/app/test_uploads_*.py)."""

from __future__ import annotations

import re

from tests.app.conftest import no_exceptions


def texts(at) -> str:
    """Everything the page says (alerts, markdown, captions), with markdown escapes of user text undone."""
    parts = [e.value for kind in (at.error, at.warning, at.info, at.success, at.markdown, at.caption) for e in kind]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def upload(at, key: str, data: bytes, name: str, mime: str = "text/csv"):
    at.file_uploader(key=key).upload(name, data, mime).run()
    no_exceptions(at)
    return at
