"""Scenario <-> URL text. Pure (no streamlit) so it is tested directly.

The scenario's JSON is compressed and base64url-encoded into one query parameter. Forecast sample
paths are left out (they are data, not inputs, and too large for a link); the link says so.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from simulate.scenario import Scenario, ScenarioError

MAX_URL_TEXT = 20_000  # characters; a longer value is refused before decompression


def encode(scenario: Scenario) -> str:
    data = scenario.without_volume_paths().to_dict()
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode(text: str) -> Scenario:
    """Scenario from a URL value; ScenarioError (field "link") for anything malformed."""
    if not isinstance(text, str) or not text or len(text) > MAX_URL_TEXT:
        raise ScenarioError("link", "the link's scenario is missing or too long")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(packed, 1_000_000)  # bounded: no zip bombs
        if decompressor.unconsumed_tail:
            raise ScenarioError("link", "the link's scenario is too large")
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError):
        raise ScenarioError("link", "the link's scenario could not be read (it may have been cut off)") from None
    return Scenario.from_dict(data)
