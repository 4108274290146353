"""Benchmark: a room full of users. 20 browser sessions at once against one local Streamlit server.

Starts `streamlit run app.py` on 127.0.0.1 only, then for each trial count (10,000 and 100,000):
  1. one session alone opens the funnel page from a link and changes "Visitors per month" 3 times:
     the single-session figure (median input -> updated headline), measured in the same run;
  2. 20 sessions (headless Debian Chromium, one browser, 20 contexts) open the same link at once, then
     all change "Visitors per month" at the same moment, each to a different value (20 different
     simulations: nothing is shared by the cache, the hardest honest case), or with --same-input all to
     the same value (a meeting following one plan: one simulation, shared through the cache);
  3. every page is closed and the server's memory is read again 60 s later.
The browsers run at nice 10 (--browser-nice): on a real day the 20 browsers are on 20 laptops, not on the
server's 2 cores; at nice 10 they still use every idle cycle but do not starve the server being measured.
A session is "served" when its page opened and its headline updated, each within BOUND_S seconds.
Server memory (RSS of the streamlit process, from /proc) is sampled every 0.1 s for the peak.
Prints served/total, p50/p95 first load and input -> headline, server RSS baseline/peak/60 s after close,
and the load average (other work on the machine changes every figure).

Run: .venv/bin/python bench/load.py [--sessions 20] [--trials 10000 100000] [--port 8661]
Goals (issue 14, 2 cores): 20/20 served at both trial counts; p50 with 20 sessions <= 5x the single
session; RSS 60 s after close within 100 MB of the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from simulate.scenario import default_scenario  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from ui import codec  # noqa: E402

DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
HEADLINE = ".st-key-funnel-headline h3"
BOUND_S = 60.0
SETTLE_S = 60.0
UPDATED = (
    "(old) => { const h = document.querySelector('.st-key-funnel-headline h3');"
    " const app = document.querySelector('[data-testid=\"stApp\"]');"
    " return h && app && app.dataset.testScriptState === 'notRunning' && h.innerText !== old; }"
)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.1)

    def reset(self):
        self.peak = rss_mb(self.pid)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its waited-for children, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def browser_executable(nice: int) -> str:
    """/usr/bin/chromium, started at the given niceness through a small wrapper script (0: directly).

    The 20 users' browsers would run on 20 machines; here they share the server's 2 cores. At a higher
    niceness they still get every idle cycle but do not starve the server, which is what is measured.
    """
    if nice <= 0:
        return CHROMIUM
    wrapper = Path(tempfile.mkdtemp(prefix="funnelcast-load-")) / "chromium"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n {nice} {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def open_session(browser, url: str):
    """A new browser context on the link; (context, page, seconds to the first headline) or an error text."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    start = time.perf_counter()
    try:
        await page.goto(url, timeout=BOUND_S * 1000)
        await page.wait_for_selector(HEADLINE, timeout=BOUND_S * 1000)
        await page.wait_for_selector(DONE, timeout=BOUND_S * 1000)
    except Exception as exc:  # a timeout is a session not served
        return context, page, f"open: {type(exc).__name__}: {str(exc)[:160]}"
    return context, page, time.perf_counter() - start


async def change_input(page, value: int):
    """Seconds from pressing Enter on a new 'Visitors per month' to the updated headline, or an error text."""
    try:
        box = page.locator(".st-key-funnel-level input")
        old = await page.locator(HEADLINE).inner_text()
        await box.fill(str(value))
        start = time.perf_counter()
        await box.press("Enter")
        await page.wait_for_function(UPDATED, arg=old, polling=100, timeout=BOUND_S * 1000)
        return time.perf_counter() - start
    except Exception as exc:
        return f"input: {type(exc).__name__}: {str(exc)[:160]}"


async def single(browser, url: str, base_value: int) -> tuple[float, float]:
    context, page, opened = await open_session(browser, url)
    times = []
    if isinstance(opened, float):
        for value in (base_value, base_value * 13 // 10, base_value * 8 // 10):  # each far enough to move the headline
            took = await change_input(page, value)
            if isinstance(took, float):
                times.append(took)
            else:
                print(f"  alone: {took}")
    await context.close()
    if not isinstance(opened, float):
        print(f"  alone: {opened}")
    return (opened if isinstance(opened, float) else float("nan")), (
        statistics.median(times) if times else float("nan")
    )


async def crowd(browser, url: str, sessions: int, base_value: int, same: bool = False):
    opened = await asyncio.gather(*(open_session(browser, url) for _ in range(sessions)))
    ready = [(c, p) for c, p, t in opened if isinstance(t, float)]
    changes = await asyncio.gather(
        *(change_input(p, base_value + (0 if same else 1_500 * k)) for k, (_, p) in enumerate(ready))
    )
    for context, _, _ in opened:
        await context.close()
    load_times = [t for _, _, t in opened if isinstance(t, float)]
    input_times = [t for t in changes if isinstance(t, float)]
    errors = [t for _, _, t in opened if not isinstance(t, float)] + [t for t in changes if not isinstance(t, float)]
    return load_times, input_times, errors


async def bench(
    url: str, server_pid: int, sessions: int, trial_counts: list[int], settle: float, nice: int, same: bool = False
) -> None:
    sampler = RssSampler(server_pid)
    sampler.start()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=browser_executable(nice), args=CHROMIUM_ARGS)
        await single(browser, url, 20_000)  # warm-up: imports and first run, not measured
        await asyncio.sleep(5)
        baseline = rss_mb(server_pid)
        print(f"server RSS baseline (after one warm-up session): {baseline:.0f} MB; load average {loadavg()}")
        rows = []
        for n, trials in enumerate(trial_counts):
            scenario = default_scenario().replace(trials=trials)
            link = f"{url}/?s={codec.encode(scenario)}"
            one_open, one_input = await single(browser, link, 30_000 + 1_000 * n)
            sampler.reset()
            load_before = loadavg()
            started, cpu = time.perf_counter(), cpu_seconds(server_pid)
            load_times, input_times, errors = await crowd(browser, link, sessions, 60_000 + 500 * n, same)
            wall, cpu = time.perf_counter() - started, cpu_seconds(server_pid) - cpu
            peak = sampler.peak
            await asyncio.sleep(settle)
            after = rss_mb(server_pid)
            rows.append(
                (
                    trials,
                    one_open,
                    one_input,
                    len(input_times),
                    load_times,
                    input_times,
                    peak,
                    after,
                    load_before,
                    wall,
                    cpu,
                )
            )
            if errors:
                print(f"  {trials:,} trials: not served: {sorted(set(errors))}")
        await browser.close()
    sampler.running = False
    print()
    change = "all to the same value (one run, shared)" if same else "each to its own value (20 different runs)"
    print(f"{sessions} sessions at once, funnel page, changing 'Visitors per month' {change};")
    print(f"browsers at nice {nice}, RSS read {settle:.0f} s after every page closed")
    print(
        "| trials | served | input->headline p50 / p95 (20 at once) | alone | p50 ratio | first load p50 / p95 | alone "
        "| RSS peak | RSS after close (baseline) | load avg before | wall (server CPU) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for trials, one_open, one_input, served, loads, inputs, peak, after, load_before, wall, cpu in rows:
        ratio = pct(inputs, 0.5) / one_input if one_input == one_input and inputs else float("nan")
        print(
            f"| {trials:,} | {served}/{sessions} | {pct(inputs, 0.5):.2f} / {pct(inputs, 0.95):.2f} s | {one_input:.2f} s "
            f"| {ratio:.1f}x | {pct(loads, 0.5):.1f} / {pct(loads, 0.95):.1f} s | {one_open:.1f} s | {peak:.0f} MB "
            f"| {after:.0f} MB ({after - baseline:+.0f} MB vs {baseline:.0f}) | {load_before} | {wall:.0f} s ({cpu:.0f} s) |"
        )
    print("goals: 20/20 served; p50 ratio <= 5x; RSS 60 s after close within 100 MB of the baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--trials", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--port", type=int, default=8661)
    parser.add_argument("--settle", type=float, default=SETTLE_S, help="seconds after closing before RSS is read")
    parser.add_argument(
        "--same-input", action="store_true", help="every session enters the same value (a meeting following one plan)"
    )
    parser.add_argument("--browser-nice", type=int, default=10, help="niceness of the browsers (0: same as the server)")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="funnelcast-load-")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "FUNNELCAST_DATA_DIR": data_dir}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(args.port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        print(f"load average at start: {loadavg()} ({os.cpu_count()} cores)")
        asyncio.run(bench(url, server.pid, args.sessions, args.trials, args.settle, args.browser_nice, args.same_input))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
