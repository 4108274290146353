"""Two `streamlit run app.py` servers on different ports sharing one PostgreSQL store (a throwaway cluster):
a scenario saved on one appears on the other, a name with HTML in it is shown as text on both, and two people
saving the same version at once on the two servers get a conflict shown, not a lost version.

Without PostgreSQL's binaries this test is skipped, except under CI=true (.ci/run installs PostgreSQL).
Ports: Streamlit 8645-8649.
"""

from __future__ import annotations

import os

import pytest

from simulate.scenario import Scenario
from store import ScenarioStore
from tests.e2e.conftest import open_saved_in_sidebar, require_chromium, wait_for_app
from tests.e2e.servers import free_port, streamlit_at
from tests.pgcluster import pg_bin, pg_cluster

HOSTILE = '<img src=x onerror="window.__xss=1">=HYPERLINK("http://x")'


@pytest.fixture(scope="module")
def two_servers():
    require_chromium()
    if pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries are missing: the shared-store test is required in CI")
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    with pg_cluster() as cluster:
        url = cluster.new_database()
        env = {"FUNNELCAST_STORE_URL": url}
        with streamlit_at(free_port(range(8645, 8647)), env=env) as first:
            with streamlit_at(free_port(range(8647, 8650)), env=env) as second:
                yield first, second, url


def save_in_sidebar(page) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    if sidebar.locator('[data-testid="stExpander"] details[open]').count() == 0:
        sidebar.locator('[data-testid="stExpander"] summary').filter(has_text="Saved scenarios").click()
    page.locator(".st-key-store_panel-save").get_by_role("button").click()


def test_a_scenario_saved_on_one_server_appears_on_the_other(two_servers, browser):
    first, second, url = two_servers
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    one, two = context.new_page(), context.new_page()
    for tab in (one, two):
        tab.set_default_timeout(30_000)
    try:
        one.goto(first)
        wait_for_app(one)
        one.locator('[data-testid="stSidebar"]').get_by_text("Saved scenarios").click()
        one.get_by_role("button", name="Save 'Base plan'").click()
        one.get_by_text("Saved 'Base plan' as version 1.").wait_for()
        store = ScenarioStore(url=url)
        assert [(i.name, i.versions) for i in store.list()] == [("Base plan", 1)]
        store.save(Scenario(name=HOSTILE, seed=4242), note="<b>not bold</b>")

        two.goto(second + "/scenarios")
        wait_for_app(two)
        open_saved_in_sidebar(two, "Base plan")
        assert two.locator('input[aria-label="Seed"]').input_value() == str(Scenario().seed)
        open_saved_in_sidebar(two, HOSTILE)
        wait_for_app(two)
        two.wait_for_function("() => document.querySelector('input[aria-label=\"Seed\"]').value === '4242'")
        # the name is shown as text: no element was created from it, no script ran
        two.locator('[data-testid="stSidebar"]').get_by_text(HOSTILE).first.wait_for()
        assert two.locator('img[src="x"]').count() == 0
        assert two.evaluate("() => window.__xss") is None
        assert two.locator('[data-testid="stException"]').count() == 0
        # and the first server sees what was saved through the store directly
        one.reload()
        wait_for_app(one)
        open_saved_in_sidebar(one, HOSTILE)
        assert one.evaluate("() => window.__xss") is None

        # two people on two servers open version 1 of the same scenario; both save: the second sees a conflict
        open_saved_in_sidebar(one, "Base plan")
        open_saved_in_sidebar(two, "Base plan")
        save_in_sidebar(two)
        two.get_by_text("Saved 'Base plan' as version 2.").wait_for()
        save_in_sidebar(one)
        one.get_by_text("Nothing was overwritten").wait_for()
        assert [v.version for v in store.versions("Base plan")] == [2, 1]
        one.get_by_role("button", name="Save mine as version 3").click()
        one.get_by_text("Saved 'Base plan' as version 3.").wait_for()
        assert [v.version for v in store.versions("Base plan")] == [3, 2, 1]
        store.close()
    finally:
        context.close()
