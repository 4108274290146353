"""The one JSON reader for untrusted scenario and standards text (files, uploads, links).

`json.loads` alone turns hostile text into tracebacks or runaway work: 10,000 nested brackets raise
RecursionError, `Infinity` / `NaN` / `1e999` become non-finite floats that later overflow, a
5,000-digit integer raises ValueError (Python's int digit limit) and a lone surrogate escape such as
"\\ud800" becomes text that cannot be written as UTF-8 (a deck, a page, a terminal). `load_json`
checks each of these before or while parsing and raises ScenarioError (field = `what`) with one
sentence naming the problem and the fix:

    nesting       at most MAX_DEPTH levels of [ and { (counted before parsing, without recursion)
    numbers       NaN / Infinity refused; floats must be finite; integers at most MAX_INT_DIGITS digits
    size          at most MAX_JSON_BYTES bytes
    text          every string (and object key) is cleaned: a lone surrogate becomes U+FFFD, tabs and
                  line breaks become a space, other control characters are removed; each change is
                  listed in `Loaded.changes` ("stages[2].name: removed 1 control character") so the
                  caller can tell the user what was changed.

Pure standard library; safe for any layer.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from simulate.scenario.errors import ScenarioError

MAX_JSON_BYTES = 5_000_000
MAX_DEPTH = 64
MAX_INT_DIGITS = 30  # the largest whole number a scenario holds is a seed below 2**32 (10 digits)

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")
# C0 and C1 control characters (tab, CR, LF handled apart), DEL, and UTF-16 surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Loaded:
    """Parsed JSON with every string cleaned, and what the cleaning changed (field path: change)."""

    data: object
    changes: tuple[str, ...] = ()

    def note(self) -> str | None:
        """One sentence for the user, or None if nothing was changed."""
        if not self.changes:
            return None
        shown = "; ".join(self.changes[:3])
        more = f" (and {len(self.changes) - 3} more)" if len(self.changes) > 3 else ""
        return f"text was cleaned: {shown}{more}"


def clean_text(text: str) -> tuple[str, list[str]]:
    """`text` without lone surrogates and control characters, and the changes made (empty if none)."""
    changes = []
    surrogates = len(_SURROGATE.findall(text))
    if surrogates:
        text = _SURROGATE.sub("\ufffd", text)
        changes.append(f"replaced {_count(surrogates, 'unpaired surrogate')} with \ufffd")
    breaks = len(_BREAKS.findall(text))
    if breaks:
        text = _BREAKS.sub(" ", text)
        changes.append(f"turned {_count(breaks, 'tab or line break', 'tabs or line breaks')} into spaces")
    controls = len(_CONTROL.findall(text))
    if controls:
        text = _CONTROL.sub("", text)
        changes.append(f"removed {_count(controls, 'control character')}")
    return text, changes


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"1 {one}" if n == 1 else f"{n:,} {many or one + 's'}"


def nesting_depth(text: str) -> int:
    """Deepest [ / { nesting outside strings, counted without recursion."""
    depth = peak = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            peak = max(peak, depth)
        else:
            depth -= 1
    return peak


class _Refused(Exception):
    def __init__(self, message: str):
        self.message = message


def _constant(name: str):
    raise _Refused(f"{name} is not a number a scenario can hold; write a finite number")


def _float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _Refused(f"the number {literal[:20]} is too large to hold; write a finite number")
    return value


def _int(literal: str) -> int:
    digits = len(literal.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _Refused(
            f"a whole number with {digits:,} digits ({literal[:12]}...) is far larger than any input "
            f"(at most {MAX_INT_DIGITS} digits)"
        )
    return int(literal)


def load_json(
    text: str | bytes, what: str = "file", *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_DEPTH
) -> Loaded:
    """Parse untrusted JSON; ScenarioError(what, message) for anything refused (never another exception)."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > max_bytes:
            raise ScenarioError(
                what, f"larger than {max_bytes / 1e6:g} MB; a scenario or standards file is much smaller"
            )
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError(what, "not a text (UTF-8 JSON) file") from None
    if not isinstance(text, str):
        raise ScenarioError(what, f"expected JSON text (got {type(text).__name__})")
    if len(text) > max_bytes:
        raise ScenarioError(what, f"larger than {max_bytes / 1e6:g} MB; a scenario or standards file is much smaller")
    depth = nesting_depth(text)
    if depth > max_depth:
        raise ScenarioError(what, f"nested {depth:,} levels deep; a scenario or standards file has at most {max_depth}")
    try:
        data = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except _Refused as exc:
        raise ScenarioError(what, f"not valid here: {exc.message}") from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(what, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except (RecursionError, ValueError, OverflowError) as exc:  # belt and braces: never a traceback
        raise ScenarioError(what, f"not valid JSON ({type(exc).__name__})") from None
    changes: list[str] = []
    return Loaded(_clean(data, "", changes), tuple(changes))


def _clean(value: object, path: str, changes: list[str]) -> object:
    """A copy of parsed JSON with every string cleaned (depth is bounded by load_json)."""
    if isinstance(value, str):
        cleaned, made = clean_text(value)
        changes.extend(f"{path or 'text'}: {change}" for change in made)
        return cleaned
    if isinstance(value, list):
        return [_clean(item, f"{path}[{k}]", changes) for k, item in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            clean_key, made = clean_text(key)
            where = f"{path}.{clean_key}" if path else clean_key
            changes.extend(f"{where} (field name): {change}" for change in made)
            out[clean_key] = _clean(item, where, changes)
        return out
    return value
