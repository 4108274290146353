"""Benchmark: how fast the app answers in a real browser, page by page (headless Debian Chromium, Playwright).

Starts `streamlit run app.py` and measures, until the app has finished its run and nothing is loading:
- first load: a fresh browser opens a page by its address (the first one on a fresh server includes imports);
- page switch: a click on the page's link in the sidebar, from the funnel page (after every page has been
  loaded once, as in a meeting);
- pipeline: an upload whose amount column must be chosen -> the mapping choice -> the forecast on screen;
  and a change of "As of" on the bundled data;
- funnel: change "Visitors per month" -> the headline shows the new numbers (median of `changes`).
Targets (issue 15): first load of the funnel page < 4 s, page switch < 1.5 s, mapping choice and as-of change
< 1.5 s, input -> headline median < 0.5 s. The machine's load average is printed with the figures: on a shared
2-core machine wall time grows with the load.
Run: .venv/bin/python bench/browser_latency.py [--changes 15] [--port 8655]
"""

from __future__ import annotations

import argparse
import ast
import datetime
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402

DONE_JS = (
    "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
    " return app && app.dataset.testScriptState === 'notRunning'"
    " && document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0; }"
)
LONG = 180_000


class Rows(list):
    """The table's rows, each also printed as soon as it is measured (a long run shows progress)."""

    def append(self, row) -> None:
        super().append(row)
        print(f"  measured: {row[0]} - {row[1]}: {row[2]:.2f} s", flush=True)  # noqa: T201

    def __iadd__(self, rows):
        for row in rows:
            self.append(row)
        return self


def pages() -> list[tuple[str, str]]:
    """(file, title) of every page in app.py's navigation."""
    tree = ast.parse((ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SECTIONS" for t in node.targets):
            return [(path, title) for group in ast.literal_eval(node.value).values() for path, title, _ in group]
    raise SystemExit("app.py has no SECTIONS")


def settle(page, started: float) -> float:
    """Seconds from `started` until the script has run and nothing is loading (a run must have started)."""
    page.wait_for_timeout(50)
    page.wait_for_function(DONE_JS, polling="raf", timeout=LONG)
    return time.perf_counter() - started


def wait_server(url: str) -> None:
    for _ in range(400):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.25)
    raise SystemExit("streamlit did not start")


def reference() -> float:
    """Wall seconds of one default-scenario funnel run (10,000 trials): 0.05 s on a quiet 2-core machine
    (README benchmarks). Measured in the same run, it shows how much the machine's load slows everything."""
    from simulate.funnel import run
    from simulate.scenario import default_scenario

    scenario = default_scenario()
    run(scenario)  # imports and first-call costs
    started = time.perf_counter()
    run(scenario)
    return time.perf_counter() - started


def main(changes: int, port: int, pages_too: bool = True) -> None:
    load_before = os.getloadavg()
    ref_before = reference()
    data_dir = tempfile.mkdtemp(prefix="funnelcast-bench-")
    env = {**os.environ, "FUNNELCAST_DATA_DIR": data_dir, "OPENBLAS_NUM_THREADS": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    rows = Rows()
    try:
        url = f"http://127.0.0.1:{port}"
        wait_server(url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def fresh(path: str = ""):
                context = browser.new_context(viewport={"width": 1500, "height": 1000})
                tab = context.new_page()
                started = time.perf_counter()
                tab.goto(f"{url}/{path}")
                return context, tab, settle(tab, started)

            # first load of the funnel page on a fresh server (imports and first simulation), then warm
            context, tab, cold = fresh()
            context.close()
            context, tab, warm = fresh()
            rows.append(("Funnel what-if", "first load, fresh server", cold, "< 4 s"))
            rows.append(("Funnel what-if", "first load, warm server", warm, "< 4 s"))
            # every page: first load by address, then the switch from the funnel page by its sidebar link
            for path, title in pages()[1:] if pages_too else []:
                stem = Path(path).stem
                c2, t2, first = fresh(stem)
                c2.close()
                rows.append((title, "first load", first, "< 4 s"))
            for _path, title in pages()[1:] if pages_too else []:
                tab.goto(url)
                settle(tab, time.perf_counter())
                link = tab.get_by_role("link", name=title)
                started = time.perf_counter()
                link.click()
                rows.append((title, "page switch from the funnel", settle(tab, started), "< 1.5 s"))
            context.close()

            for step in (lambda: pipeline_steps(browser, url), lambda: funnel_inputs(browser, url, changes)):
                try:
                    rows += step()
                except Exception as exc:  # noqa: BLE001 - report the rest of the table anyway
                    print(f"  a step failed: {type(exc).__name__}: {str(exc).splitlines()[0]}", flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)
    load_after = os.getloadavg()
    ref_after = reference()
    print(f"Browser latency, {datetime.date.today()}, {os.cpu_count()} cores; load average before "
          f"{load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}, after "
          f"{load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} (1 / 5 / 15 min)")  # fmt: skip
    print(f"Reference in this run: funnel engine, default scenario, 10,000 trials: {ref_before:.3f} s before, "
          f"{ref_after:.3f} s after (0.052 s on a quiet machine, README)")  # fmt: skip
    print(f"| {'page':<28} | {'what':<44} | {'seconds':>8} | target   |")
    print(f"|{'-' * 30}|{'-' * 46}|{'-' * 10}|----------|")
    for page_name, what, seconds, target in rows:
        shown = "n/a" if seconds is None else f"{seconds:.2f}"
        print(f"| {page_name:<28} | {what:<44} | {shown:>8} | {target:<8} |")


def pipeline_steps(browser, url: str) -> list[tuple[str, str, float | None, str]]:
    """As-of change on the bundled data; an upload whose amount column is chosen by hand."""
    out = []
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    tab = context.new_page()
    tab.goto(f"{url}/pipeline")
    settle(tab, time.perf_counter())
    year = tab.locator('.st-key-pipeline-as_of [data-type="year"]')  # a date field of year/month/day spinbuttons
    for day, label in (("2017/06/30", "Q3 2017"), ("2017/09/30", "Q4 2017")):
        year.click()
        tab.keyboard.type(day.replace("/", ""))
        started = time.perf_counter()
        tab.locator("h1").first.click()  # the field sends its date when it loses focus
        tab.wait_for_function(  # the answer is for the new quarter and the run has finished
            "(label) => { const h = document.querySelector('.st-key-pipeline-headline h3');"
            " const app = document.querySelector('[data-testid=\"stApp\"]');"
            " return h && h.innerText.startsWith(label) && app.dataset.testScriptState === 'notRunning'; }",
            arg=label,
            polling="raf",
            timeout=LONG,
        )
        out.append(("Will we make the quarter?", f"as-of change to {day}", settle(tab, started), "< 1.5 s"))
    data = (ROOT / "data" / "crm" / "sales_pipeline.csv").read_bytes().replace(b"close_value", b"Deal Worth", 1)
    upload = Path(tempfile.mkdtemp()) / "renamed_export.csv"
    upload.write_bytes(data)
    key = hashlib.sha256(data).hexdigest()[:16]
    tab.locator(".st-key-pipeline-source").get_by_text("Upload a CRM export").click()
    settle(tab, time.perf_counter())
    started = time.perf_counter()
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    tab.wait_for_selector("text=Choose the column for", timeout=LONG)
    out.append(("Will we make the quarter?", "upload 8,800 rows -> mapping asked", settle(tab, started), "-"))
    tab.locator(f".st-key-pipeline-map-{key}-amount").click()
    started = time.perf_counter()
    tab.get_by_role("option", name="Deal Worth").click()
    tab.wait_for_selector(".st-key-pipeline-headline h3", timeout=LONG)
    out.append(("Will we make the quarter?", "mapping choice -> forecast on screen", settle(tab, started), "< 1.5 s"))
    context.close()
    return out


def funnel_inputs(browser, url: str, changes: int) -> list[tuple[str, str, float | None, str]]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    tab = context.new_page()
    tab.goto(url)
    settle(tab, time.perf_counter())
    box = tab.locator(".st-key-funnel-level input")
    timings = []
    for k in range(changes):
        old = tab.locator(".st-key-funnel-headline h3").inner_text()
        box.fill(str(40_000 + 1_000 * (k + 1)))
        started = time.perf_counter()
        box.press("Enter")
        tab.wait_for_function(
            "(old) => { const h = document.querySelector('.st-key-funnel-headline h3');"
            " const app = document.querySelector('[data-testid=\"stApp\"]');"
            " return h && app && app.dataset.testScriptState === 'notRunning' && h.innerText !== old; }",
            arg=old,
            polling="raf",
            timeout=LONG,
        )
        timings.append(time.perf_counter() - started)
    context.close()
    return [
        ("Funnel what-if", f"input -> headline, median of {changes}", statistics.median(timings), "< 0.5 s"),
        ("Funnel what-if", f"input -> headline, max of {changes}", max(timings), "-"),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=15)
    parser.add_argument("--port", type=int, default=_free_port())
    parser.add_argument("--no-pages", action="store_true", help="only the funnel, pipeline and input timings")
    args = parser.parse_args()
    main(args.changes, args.port, pages_too=not args.no_pages)
