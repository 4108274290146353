"""Pure Altair chart builders: data frames of aggregates in, `alt.Chart` out; no streamlit."""

import textwrap


def wrapped(title: str, width: int = 30) -> list[str] | str:
    """A chart title as lines of at most `width` characters: a half-width chart at 1280 px cuts a long title
    with "..." ("Attainment of every simula..."); Vega draws a list of strings as lines."""
    lines = textwrap.wrap(title, width)
    return lines if len(lines) > 1 else title
