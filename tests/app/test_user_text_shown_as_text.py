"""User text shown as text (issue 18): a scenario name from a shared link that holds markdown (an external image,
a link, a colour directive) is escaped wherever it is drawn, so the browser never loads or renders it."""

from __future__ import annotations

import re

import pytest

from simulate.scenario import default_scenario
from tests.app.conftest import no_exceptions
from ui import codec
from ui.render import escape

HOSTILE = [
    "![p](http://evil.example/pixel.png)",
    "[open](http://evil.example/login)",
    ":red[alarm] $x^2$ :material/home: <img src=x>",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_escape_leaves_no_markdown_that_acts(name):
    text = escape(name)
    assert re.search(r"(?<!\\)[!\[\]()$:<>/]", text) is None  # every character markdown acts on is escaped
    assert text.replace("\\", "").replace("\u200b", "") == name  # shown literally: escapes and zero-width spaces
    assert "http:" not in text.replace("\\", "")  # no autolink: a zero-width space follows the scheme


@pytest.mark.parametrize("name", HOSTILE[:2])
def test_scenario_name_from_a_link_is_shown_literally_in_the_sidebar(app, name):
    app.query_params["s"] = codec.encode(default_scenario().replace(name=name))
    at = app.run()
    no_exceptions(at)
    shown = [m.value for m in at.sidebar.markdown if m.value.startswith("**Scenario:**")]
    assert shown == [f"**Scenario:** {escape(name)}"]
    everything = " ".join(str(e.value) for e in at.markdown) + " ".join(str(e.value) for e in at.caption)
    assert "](http://evil" not in everything and "![p]" not in everything


def test_forecast_page_escapes_the_uploaded_file_name_and_columns(app):
    app.run()
    at = app.switch_page("pages/forecast.py").run()
    data = b"month,[x](http://evil.example/c)\n" + b"".join(f"2020-{m:02d},{m}\n".encode() for m in range(1, 13))
    at.file_uploader(key="forecast.upload").upload("![f](http://evil.example/f.png).csv", data, "text/csv").run()
    no_exceptions(at)
    everything = " ".join(str(e.value) for kind in (at.markdown, at.caption, at.error, at.info) for e in kind)
    assert "](http://evil" not in everything
