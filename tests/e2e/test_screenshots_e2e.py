"""Every page at 1280 x 800 and 1920 x 1080 in headless Chromium: reads right at a glance, screenshots to look at.

Fails when a page shows
- a metric label or value cut short (its text is wider than its box: scrollWidth > clientWidth, an ellipsis);
- a table cell reading "None", "nan", "NaN" or "NaT";
- a raw timestamp ("2017-03-31 00:00:00") or an unformatted float ("378917.9432", "0.2059") in a table.

Tables are checked through the cells the data grid keeps in the page for screen readers (the rows in view), in
every tab of the page. The full-page screenshots go to tests/e2e/screenshots/<width>x<height>/<page>.png
(git-ignored) for a person to look at: a check cannot tell a squashed chart from a good one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_for_app

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
SIZES = [(1280, 800), (1920, 1080)]
LONG = 180_000  # first visit of a page on a shared 2-core machine (pipeline backtest, forecast fits)

RAW_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")
# More than two decimals, or a bare fraction like 0.2059 (a share shown without %): not formatted for a reader.
RAW_FLOAT = re.compile(r"^[-+]?\d[\d,]*\.\d{3,}$|^[-+]?0\.\d{3,}$")
MISSING = {"None", "none", "nan", "NaN", "NaT", "<NA>", "null"}


def page_paths() -> list[str]:
    """Page files in app.py's navigation, read from its SECTIONS literal (pages added later are covered too)."""
    tree = ast.parse((ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SECTIONS" for t in node.targets):
            sections = ast.literal_eval(node.value)
            return [path for pages in sections.values() for path, _title, _icon in pages]
    raise AssertionError("app.py has no SECTIONS")


MAX_SHOT_HEIGHT = 7_000
TALL_JS = """() => { const main = document.querySelector('[data-testid="stMain"]');
  return main ? main.scrollHeight + 40 : document.body.scrollHeight; }"""

CUT_LABELS_JS = """() => {
  const cut = [];
  const metrics = '[data-testid="stMetricLabel"], [data-testid="stMetricValue"]';
  for (const label of document.querySelectorAll(metrics)) {
    for (const el of [label, ...label.querySelectorAll('*')]) {
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) { cut.push(label.innerText.trim()); break; }
    }
  }
  return cut;
}"""

CELLS_JS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(grid => grid.offsetParent !== null)
  .map(grid => ({
    headers: [...grid.querySelectorAll('th')].map(th => th.innerText.trim()).filter(Boolean),
    cells: [...grid.querySelectorAll('td')].map(td => td.innerText.trim()),
  }))"""
# Tables drawn through a pandas Styler that formats every number in its unit on screen while the frame keeps the
# numbers so that a click on a header sorts them (the scorecard's reps); the grid's screen-reader cells hold those
# numbers. Known by their first column.
STYLED_FOR_SORTING = {"Rep"}


def bad_cells(grids: list[dict]) -> list[str]:
    bad = []
    for grid in grids:
        first = grid["headers"][0] if grid["headers"] else ""
        for text in grid["cells"]:
            raw_number = RAW_FLOAT.match(text) and first not in STYLED_FOR_SORTING
            if text in MISSING or RAW_TIMESTAMP.search(text) or raw_number:
                bad.append(f"{text} (table starting with {first!r})")
    return bad


def check_page(page) -> list[str]:
    problems = [f"metric label or value cut: {text!r}" for text in page.evaluate(CUT_LABELS_JS)]
    tabs = page.locator('[data-baseweb="tab"]')
    for k in range(max(1, tabs.count())):
        if tabs.count():
            tabs.nth(k).click()
            page.wait_for_timeout(150)
            wait_for_app(page, timeout=LONG)  # a lazy tab reruns the page to draw its content
        problems += [f"table cell {text!r}" for text in bad_cells(page.evaluate(CELLS_JS))]
    return sorted(set(problems))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_reads_right(browser, app_url, size):
    width, height = size
    folder = SHOTS / f"{width}x{height}"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(LONG)
    failures = {}
    try:
        for k, path in enumerate(page_paths()):
            stem = Path(path).stem
            page.goto(f"{app_url}/{stem if k else ''}")  # the first page is the app's address itself
            wait_for_app(page, timeout=LONG)
            page.wait_for_timeout(400)  # charts draw after the script has finished
            # The app scrolls inside its main pane, so a full-page shot is one screen: make the window as tall as
            # the page (same width, so the same layout) for the picture, then check with every table row drawn.
            tall = page.evaluate(TALL_JS)
            page.set_viewport_size({"width": width, "height": max(height, min(int(tall), MAX_SHOT_HEIGHT))})
            page.wait_for_timeout(600)
            page.screenshot(path=str(folder / f"{stem}.png"))
            problems = check_page(page)
            page.set_viewport_size({"width": width, "height": height})
            if problems:
                failures[stem] = problems
    finally:
        context.close()
    assert not failures, f"pages that do not read right at {width}x{height} (screenshots in {folder}): {failures}"


EUROPEAN = ROOT / "tests" / "fixtures" / "crm" / "european_export.csv"
PICKER_JS = """() => { const box = document.querySelector('.st-key-app-currency');
  return box ? box.textContent + ' ' + [...box.querySelectorAll('input')].map(i => i.value + ' ' + (i.getAttribute('aria-label') || '')).join(' ') : ''; }"""
CHECKED_PERIOD_JS = """() => { const box = document.querySelector('.st-key-pipeline-period input:checked');
  return box ? box.closest('label').innerText.trim() : null; }"""


def test_a_euro_export_is_shown_in_euros_for_the_quarter(page, app_url, tmp_path):
    """Issue 15 journey: a CRM export whose amount column says EUR. Amounts show in euros (the currency follows the
    column name, and the sidebar says so); Period still reads Quarter after the upload and the answer is the quarter's."""
    upload = tmp_path / "export_eur.csv"
    upload.write_bytes(EUROPEAN.read_bytes().replace(b";Amount;", b";Amount EUR;", 1))
    page.goto(f"{app_url}/pipeline")
    wait_for_app(page, timeout=LONG)
    assert page.evaluate(CHECKED_PERIOD_JS) == "Quarter"
    page.locator(".st-key-pipeline-source").get_by_text("Upload a CRM export").click()
    wait_for_app(page, timeout=LONG)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.wait_for_selector("text=as the column name 'Amount EUR' says", timeout=LONG)
    wait_for_app(page, timeout=LONG)
    headline = page.locator(".st-key-pipeline-headline h3").inner_text()
    assert "€" in headline and "$" not in headline, headline
    assert headline.startswith("Q"), headline  # "Q2 2017: ...", the quarter, not a month
    assert page.evaluate(CHECKED_PERIOD_JS) == "Quarter"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "pipeline_eur_upload.png"))
    picker = page.evaluate(PICKER_JS)
    assert "EUR" in picker, picker  # the sidebar's currency picker follows the file
