"""Benchmark: from changing an input to the updated headline and charts in a real browser.

Starts `streamlit run app.py`, opens the funnel page in headless Debian Chromium (Playwright),
changes "Visitors per month" 15 times and times each change until the app has finished its run
and the headline shows the new numbers. Target (issue 2): median under 0.5 s for the default scenario.
Run: .venv/bin/python bench/browser_latency.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402

DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def main(changes: int = 15) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(url)
            page.wait_for_selector(DONE, timeout=60_000)
            box = page.locator(".st-key-funnel-level input")
            timings = []
            for k in range(changes):
                old = page.locator(".st-key-funnel-headline h3").inner_text()
                box.fill(str(40_000 + 1_000 * (k + 1)))
                start = time.perf_counter()
                box.press("Enter")
                page.wait_for_function(
                    "(old) => { const h = document.querySelector('.st-key-funnel-headline h3');"
                    " const app = document.querySelector('[data-testid=\"stApp\"]');"
                    " return h && app && app.dataset.testScriptState === 'notRunning' && h.innerText !== old; }",
                    arg=old,
                    polling="raf",
                    timeout=30_000,
                )
                timings.append(time.perf_counter() - start)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"input -> updated headline, {changes} changes, default scenario (10,000 trials)")
    print(
        f"  median {statistics.median(timings):.3f} s   min {min(timings):.3f} s   max {max(timings):.3f} s   (target: median < 0.5 s)"
    )


if __name__ == "__main__":
    main()
