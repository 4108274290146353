"""The plan page in a real browser: upload a CRM export, see the plan and its sources, override an input and watch
the fan chart's median move (the time it takes is printed: a measurement, not a timed test), save the plan with
its data and reopen it from the sidebar."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.conftest import open_saved_in_sidebar, wait_for_app

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "crm" / "sales_pipeline.csv"
HEADLINE = ".st-key-plan-headline h3"
LONG = 120_000


def headline(page) -> str:
    return page.locator(HEADLINE).inner_text()


def test_upload_plan_override_save_and_reopen(page, app_url, tmp_path):
    upload = tmp_path / "our_crm.csv"
    upload.write_bytes(BUNDLED.read_bytes())
    page.goto(f"{app_url}/plan")
    wait_for_app(page, timeout=LONG)
    page.locator(".st-key-plan-source").get_by_text("Upload a CRM export").click()
    wait_for_app(page, timeout=LONG)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.wait_for_selector(HEADLINE, timeout=LONG)
    wait_for_app(page, timeout=LONG)
    first = headline(page)
    assert "most likely $" in first and "from deals already open" in first
    assert page.locator('[data-testid="stDataFrame"]').count() >= 2  # quarters; calibrated inputs with sources
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 1

    # a what-if: the win rate to 80%; the sentence (P50 of the same trials) moves
    page.get_by_text("What-if: override a calibrated input").click()
    wait_for_app(page, timeout=LONG)
    box = page.get_by_label("Win rate (%)")
    box.fill("80")
    started = time.perf_counter()
    box.press("Enter")
    changed = (
        "(before) => { const h = document.querySelector('.st-key-plan-headline h3');"
        " return h && h.innerText !== before; }"
    )
    try:
        page.wait_for_function(changed, arg=first, timeout=20_000)
    except Exception:  # the key press landed during a rerun on a loaded machine: commit the value again
        box.press("Tab")
        page.wait_for_function(changed, arg=first, timeout=LONG)
    print(f"override -> updated plan median in {time.perf_counter() - started:.2f} s")
    wait_for_app(page, timeout=LONG)
    assert headline(page) != first

    # keep the plan with its data, then reopen it from the sidebar
    page.get_by_role("button", name="Save the plan with its data").click()
    page.wait_for_selector("text=with the crm file", timeout=LONG)
    wait_for_app(page, timeout=LONG)
    page.goto(f"{app_url}/plan")  # a fresh session: the bundled example again
    wait_for_app(page, timeout=LONG)
    open_saved_in_sidebar(page, "Plan from our_crm.csv as of 2017-12-31")  # retries a list closed by a rerun
    page.wait_for_selector("text=Opened with the plan: our_crm.csv", timeout=LONG)
    wait_for_app(page, timeout=LONG)
    assert "most likely $" in headline(page)
    assert not page.page_errors
