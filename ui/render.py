"""Drawing chart builders' output in the app, and user text shown as text (`escape`, `text`).

Altair validates a chart against the Vega-Lite schema on every serialisation, which costs tens of
milliseconds per chart on each rerun. Chart builders are validated in tests (tests/unit/test_charts*),
so the app sends the spec without re-validating it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from kpi.wording import currency_symbol


def chart_from(
    builder: Callable[..., alt.TopLevelMixin], frame: pd.DataFrame, /, *, key: str | None = None, **options
) -> None:
    """Draw `builder(frame, **options)`, building the Vega-Lite spec once per options and columns.

    Building an Altair chart costs far more than the data it shows, so the spec is made from an
    empty frame with the same columns, cached, and the rows are sent beside it. Builders must not
    derive the spec from row values (sort by an "order" column, compute labels in Vega-Lite).
    """
    spec = json.loads(_spec_template(builder, _freeze(options), tuple(frame.columns), tuple(map(str, frame.dtypes))))
    st.vega_lite_chart(frame, with_currency(spec), width="stretch", key=key)


def _freeze(options: dict) -> tuple:
    return tuple(sorted((k, v if not isinstance(v, list) else tuple(v)) for k, v in options.items()))


@functools.lru_cache(maxsize=256)
def _spec_template(builder: Callable, options: tuple, columns: tuple, dtypes: tuple) -> str:
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(columns, dtypes, strict=True)})
    spec = builder(empty, **dict(options)).to_dict(validate=False)
    spec.pop("datasets", None)
    return json.dumps(_drop_named_data(spec))


def _drop_named_data(node):
    """Remove references to named datasets so every view reads the rows sent with the chart."""
    if isinstance(node, dict):
        return {
            k: _drop_named_data(v) for k, v in node.items() if not (k == "data" and isinstance(v, dict) and "name" in v)
        }
    if isinstance(node, list):
        return [_drop_named_data(v) for v in node]
    return node


def chart(figure: alt.TopLevelMixin, *, key: str | None = None, container=None) -> None:
    """Draw an Altair chart (in `container`, e.g. a column, or where the page is), money in the scenario's currency."""
    (container or st).vega_lite_chart(with_currency(figure.to_dict(validate=False)), width="stretch", key=key)


def with_currency(spec: dict) -> dict:
    """Money axes and tooltips in the scenario's currency.

    Chart builders format money with d3's currency mark ("$~s", "$,.0f"); the number locale sent with the
    spec says which symbol that mark prints (€12k for EUR), so builders stay currency-free.
    """
    sym = currency_symbol()
    config = dict(spec.get("config") or {})
    config["locale"] = {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": [sym, ""]}}
    return {**spec, "config": config}


# Markdown (CommonMark + Streamlit's :color[...] / :material/...: / $LaTeX$ directives) acts on these characters.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&^=/@])")
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|file|javascript|data)(?=\\:)|\bwww(?=\\\.)|\\@)")


def escape(value: object) -> str:
    """User-controlled text (scenario, stage, column, rep and file names; messages quoting file cells) made safe
    to put inside markdown, captions, alerts and widget labels: shown literally, never as a link, image, colour,
    icon, formula or heading. Line breaks become spaces; control and bidi characters are removed; lone
    surrogates (which cannot be sent to the browser) become U+FFFD."""
    text = _SURROGATE.sub("\ufffd", str(value))
    text = _INVISIBLE.sub("", text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " "))
    # GitHub-style autolinks (http://..., www...., a@b.c) survive backslash escapes: a zero-width space after the
    # scheme, "www" or "@" stops them without changing what is seen.
    return _AUTOLINK.sub("\\1\u200b", _MARKDOWN.sub(r"\\\1", text))
