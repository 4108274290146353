"""Presentation mode, the HTML report and scenario import in a real browser (headless Chromium)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from pptx import Presentation

from kpi.wording import money, percent
from report.content import build_content
from report.html import build_html
from simulate.funnel import engine, summary
from simulate.scenario import default_scenario
from tests.e2e.conftest import wait_for_app
from ui import codec

HOSTILE = "<b>Q3</b> & <img src=x onerror=alert(1)>"


def test_present_page_shows_large_numbers_and_no_inputs(page, app_url):
    scenario = default_scenario().replace(name=HOSTILE)
    page.goto(f"{app_url}/present?s={quote(codec.encode(scenario))}")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    head = summary.funnel_summary(engine.run(scenario))
    big = main.locator("h1").all_inner_texts()
    assert HOSTILE in big  # the name is shown as text
    assert money(head.revenue.p50) in big and percent(head.hit.p) in big
    assert main.locator("img").count() == 0 and main.locator("b", has_text="Q3").count() == 0
    assert main.locator('[data-testid="stVegaLiteChart"]').count() == 2
    # the meeting files are one click away here too (issue 15)
    assert main.get_by_role("button", name="Meeting deck (.pptx)").count() == 1
    assert main.get_by_role("button", name="HTML report").count() == 1
    assert main.locator("input, textarea, button[kind='primary']").count() == 0
    # the numbers are large: the value headings are at least 2.5x body text
    sizes = page.evaluate(
        "() => [parseFloat(getComputedStyle(document.querySelector('[data-testid=\"stMain\"] h1')).fontSize),"
        " parseFloat(getComputedStyle(document.querySelector('[data-testid=\"stMain\"] p')).fontSize)]"
    )
    assert sizes[0] >= 2.0 * sizes[1]
    # the sidebar (trials, seed) starts collapsed: a clean page
    assert (
        not page.locator('[data-testid="stSidebar"]').is_visible()
        or page.locator('[data-testid="stSidebar"][aria-expanded="false"]').count() == 1
    )
    assert not page.page_errors


def test_html_report_opens_in_chromium_without_console_errors(browser, tmp_path):
    base = default_scenario().replace(trials=1_000)
    content = build_content(base, others=[base.replace(name=HOSTILE, seed=3)], tornado_trials=1_000)
    path = tmp_path / "report.html"
    path.write_text(build_html(content), encoding="utf-8")
    tab = browser.new_page()
    messages: list[str] = []
    tab.on(
        "console", lambda msg: messages.append(f"{msg.type}: {msg.text}") if msg.type in ("error", "warning") else None
    )
    tab.on("pageerror", lambda exc: messages.append(f"pageerror: {exc}"))
    failed: list[str] = []
    tab.on("requestfailed", lambda request: failed.append(request.url))
    tab.goto(path.as_uri())
    tab.wait_for_load_state("load")
    assert messages == [] and failed == []
    sizes = tab.evaluate("() => Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    assert len(sizes) == 4 and all(done and w > 500 and h > 150 for done, w, h in sizes)
    assert tab.locator("h1").inner_text() == "Base plan"
    assert tab.locator("td", has_text="B: " + HOSTILE).count() >= 1  # shown as text, nothing injected
    assert tab.evaluate("() => window.__xss === undefined") and tab.locator("table img").count() == 0
    assert money(content.summary.revenue.p50) in tab.locator(".cards").inner_text()
    tab.close()


def test_importing_a_bad_scenario_file_lists_every_problem(page, app_url, tmp_path):
    data = default_scenario().to_dict()
    data["colour"] = "blue"
    del data["target"]
    data["trials"] = "many"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    page.goto(f"{app_url}/scenarios")
    wait_for_app(page)
    page.get_by_role("tab", name="Import / export").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    page.wait_for_selector("text=This file cannot be opened (3 problems)")
    wait_for_app(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    for expected in ("colour: unknown field", "target: missing", "trials: must be a whole number"):
        assert expected in text
    assert not page.page_errors


def test_export_tab_downloads_a_deck_and_the_raw_trials(page, app_url, tmp_path):
    scenario = default_scenario().replace(name="=SUM(A1) plan", trials=1_000)
    page.goto(f"{app_url}/scenarios?s={quote(codec.encode(scenario))}")
    wait_for_app(page)
    page.get_by_role("tab", name="Import / export").click()
    with page.expect_download(timeout=120_000) as info:
        page.locator(".st-key-scenarios-trials_csv button").first.click()
    lines = Path(info.value.path()).read_text().splitlines()
    assert len(lines) == 1 + scenario.trials and lines[0].startswith("trial,rate Visitors -> Leads")
    with page.expect_download(timeout=120_000) as info:
        page.locator(".st-key-scenarios-deck_current button").first.click()
    deck = Presentation(info.value.path())
    assert any(s.has_text_frame and s.text_frame.text == "=SUM(A1) plan" for s in deck.slides[0].shapes)
    assert len(deck.slides) >= 6
    assert not page.page_errors
