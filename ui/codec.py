"""Scenario <-> URL text. Pure (no streamlit) so it is tested directly.

The scenario's JSON is compressed and base64url-encoded into one query parameter. Forecast sample
paths are left out (they are data, not inputs, and too large for a link); the link says so.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass

from simulate.scenario import Scenario, ScenarioError, load_json

MAX_URL_TEXT = 20_000  # characters; a longer value is refused before decompression
MAX_LINK_JSON = 1_000_000  # bytes of JSON a link may unpack to


def encode(scenario: Scenario) -> str:
    data = scenario.without_volume_paths().to_dict()
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


@dataclass(frozen=True)
class Decoded:
    """A link's scenario and what had to be cleaned in its text (empty if nothing)."""

    scenario: Scenario
    notes: tuple[str, ...] = ()


def decode(text: str) -> Scenario:
    """Scenario from a URL value; ScenarioError (field "link") for anything malformed."""
    return decode_with_notes(text).scenario


def trials_note(asked: int, used: int) -> str:
    return (
        f"trials: the scenario asks for {asked:,} trials; the app runs at most {used:,} per view so one page "
        f"cannot hold up everyone on the shared server, so it shows {used:,} (the figures differ only by "
        f"simulation noise; `python -m simulate run` runs more)"
    )


def decode_with_notes(text: str, max_trials: int | None = None) -> Decoded:
    """Scenario from a URL value, read by the one safe JSON reader (simulate.scenario.load_json).

    ScenarioError (field "link") for anything malformed or hostile (deep nesting, NaN/Infinity, huge
    numbers); lone surrogates and control characters in names are cleaned and listed in `notes`.
    With `max_trials`, a link asking for more whole-number trials than that (up to 2**63) opens with
    `max_trials` and a note saying so, instead of being refused or silently changed.
    """
    if not isinstance(text, str) or not text or len(text) > MAX_URL_TEXT:
        raise ScenarioError("link", "the link's scenario is missing or too long")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(packed, MAX_LINK_JSON)  # bounded: no zip bombs
    except (binascii.Error, zlib.error, ValueError):
        raise ScenarioError("link", "the link's scenario could not be read (it may have been cut off)") from None
    if decompressor.unconsumed_tail:
        raise ScenarioError("link", "the link's scenario is too large")
    try:
        loaded = load_json(raw, "link", max_bytes=MAX_LINK_JSON)
    except ScenarioError as exc:
        raise ScenarioError("link", f"the link's scenario could not be read: {exc.message}") from None
    data, notes = loaded.data, list(loaded.changes)
    asked = data.get("trials") if isinstance(data, dict) else None
    if max_trials and isinstance(asked, int) and not isinstance(asked, bool) and max_trials < asked < 2**63:
        data = {**data, "trials": max_trials}
        notes.append(trials_note(asked, max_trials))
    try:
        scenario = Scenario.from_dict(data)
    except ScenarioError:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:  # a message, never a traceback
        raise ScenarioError("link", f"the link's scenario could not be read ({type(exc).__name__})") from None
    return Decoded(scenario, tuple(notes))
