"""Sign-in, ownership and the store's limits as a user meets them in the app (Streamlit AppTest).

Sign-in is simulated the way Streamlit's own testing API does it (AppTest.user and AppTest.secrets); the
real OpenID Connect round trip is tested in headless Chromium (tests/e2e/test_signin_e2e.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulate.scenario import default_scenario
from store import ScenarioStore
from tests.app.conftest import APP, TIMEOUT, no_exceptions

ANA, LI = "ana@example.com", "li@example.com"
AUTH = {
    "redirect_uri": "http://localhost:8641/oauth2callback",
    "cookie_secret": "test-only-cookie-secret-0123456789abcdef",
    "client_id": "funnelcast",
    "client_secret": "test-only",
    "server_metadata_url": "http://127.0.0.1:8650/.well-known/openid-configuration",
}


def signed(at: AppTest, email: str | None, *, domains=("example.com",)) -> AppTest:
    at.secrets["auth"] = AUTH
    at.secrets["funnelcast"] = {"allowed_domains": list(domains)}
    at.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email, "name": email}
    return at


@pytest.fixture
def app_in(tmp_path, monkeypatch):
    monkeypatch.chdir(Path(APP).parent)
    monkeypatch.setenv("FUNNELCAST_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FUNNELCAST_STORE_URL", raising=False)
    return lambda: AppTest.from_file(APP, default_timeout=TIMEOUT)


def plain(text: str) -> str:
    """Shown text without the markdown escapes (ui.render.escape) that keep user text literal."""
    return text.replace("\\", "").replace("\u200b", "")


def everything_shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + [c.value for c in at.caption]
    parts += [str(d.value) for d in at.dataframe] + [b.label for b in at.button] + [s.label for s in at.selectbox]
    return "\n".join(parts)


def test_signed_out_visitors_reach_no_page_and_no_data(app_in, tmp_path):
    ScenarioStore(tmp_path / "scenarios.db").as_user(ANA).save(default_scenario().replace(name="Secret plan"))
    for page in (None, "scenarios", "funnel", "present"):
        at = signed(app_in(), None)
        at.run()
        if page:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"pages/{page}.py")  # the page scripts are not even registered
            at.run()  # (a deep link to a page's address shows the sign-in screen: test_signin_e2e.py)
        no_exceptions(at)
        assert [b.key for b in at.button] == ["auth.login"]
        shown = everything_shown(at)
        assert "sign in" in shown.lower() and "Secret plan" not in shown
        assert len(at.metric) == 0 and len(at.dataframe) == 0 and len(at.sidebar.selectbox) == 0


def test_an_account_outside_the_allow_list_is_refused(app_in):
    at = signed(app_in(), "mallory@elsewhere.example")
    at.run()
    no_exceptions(at)
    assert any("is not allowed to use this app" in plain(e.value) for e in at.error)
    assert [b.key for b in at.button] == ["auth.logout_refused"] and len(at.metric) == 0


def test_a_signed_in_user_sees_only_their_own_and_shared_scenarios(app_in, tmp_path):
    store = ScenarioStore(tmp_path / "scenarios.db")
    store.as_user(LI).save(default_scenario().replace(name="Li private"))
    store.as_user(LI).save(default_scenario().replace(name="Li shared"))
    store.as_user(LI).share("Li shared", ANA, "viewer")
    store.as_user(ANA).save(default_scenario().replace(name="Ana own"))
    at = signed(app_in(), ANA)
    at.run()
    no_exceptions(at)
    assert any(ANA in plain(c.value) for c in at.sidebar.caption)
    at.switch_page("pages/scenarios.py").run()
    no_exceptions(at)
    shown = everything_shown(at)
    assert "Li private" not in shown
    table = at.dataframe[0].value
    assert sorted(table["Scenario"]) == ["Ana own", "Li shared"]
    assert dict(zip(table["Scenario"], table["Your access"], strict=True)) == {
        "Ana own": "yours",
        "Li shared": "view only",
    }
    for widget in (at.selectbox(key="scenarios.pick"), at.sidebar.selectbox(key="store_panel.pick")):
        assert store.as_user(LI).info("Li private").id not in widget.options
        assert not any("Li private" in str(o) for o in widget.options)


def test_a_viewer_cannot_save_over_the_owners_scenario_through_any_widget(app_in, tmp_path):
    store = ScenarioStore(tmp_path / "scenarios.db")
    ana = store.as_user(ANA)
    ana.save(default_scenario().replace(name="Board plan", seed=11))
    ana.share("Board plan", LI, "viewer")
    sid = ana.info("Board plan").id
    at = signed(app_in(), LI)
    at.run()
    at.switch_page("pages/scenarios.py").run()
    at.selectbox(key="scenarios.pick").set_value(sid).run()
    at.button(key="scenarios.open").click().run()
    no_exceptions(at)
    at.switch_page("pages/scenarios.py").run()
    assert at.button(key="scenarios.rename").disabled and at.button(key="scenarios.delete").disabled
    assert at.checkbox(key="scenarios.delete_sure").disabled
    assert any("you can only view it" in plain(c.value) for c in at.caption)
    at.button(key="scenarios.save").click().run()  # the page's save, same name
    no_exceptions(at)
    assert any("can view 'Board plan' but not save it" in plain(e.value) for e in at.error)
    at.sidebar.button(key="store_panel.save").click().run()  # the sidebar's save
    no_exceptions(at)
    assert any("can view 'Board plan' but not save it" in plain(e.value) for e in at.error)
    # rename and delete are disabled for a viewer; a forged request is refused by the store (test_store_access.py)
    assert [v.version for v in ana.versions("Board plan")] == [1]
    assert ana.load("Board plan").scenario.seed == 11 and ana.names() == ["Board plan"]
    # saving under a new name keeps the viewer's changes as their own scenario
    at.text_input(key="scenarios.save_name").set_value("Li's board plan").run()
    at.button(key="scenarios.save").click().run()
    no_exceptions(at)
    assert any("Saved 'Li's board plan' (version 1)" in plain(s.value) for s in at.success)
    assert store.as_user(LI).info("Li's board plan").owner == LI


def test_a_colleagues_save_in_between_is_shown_as_a_conflict_and_nothing_is_lost(app_in, tmp_path):
    store = ScenarioStore(tmp_path / "scenarios.db")
    ana, li = store.as_user(ANA), store.as_user(LI)
    ana.save(default_scenario().replace(name="Q3 plan", seed=1))
    ana.share("Q3 plan", LI, "editor")
    sid = ana.info("Q3 plan").id
    at = signed(app_in(), ANA)
    at.run()
    at.switch_page("pages/scenarios.py").run()
    at.selectbox(key="scenarios.pick").set_value(sid).run()
    at.button(key="scenarios.open").click().run()  # ana has version 1 on screen
    li.save(default_scenario().replace(seed=2), sid, note="li's numbers")  # li saves version 2 meanwhile
    at.switch_page("pages/scenarios.py").run()
    at.button(key="scenarios.save").click().run()
    no_exceptions(at)
    assert any(
        "was saved by li@example.com" in plain(e.value) and "Nothing was overwritten" in plain(e.value)
        for e in at.error
    )
    assert [v.version for v in ana.versions(sid)] == [2, 1]
    at.button(key="scenarios.save_anyway").click().run()
    no_exceptions(at)
    assert any("(version 3)" in plain(s.value) for s in at.success)
    history = ana.versions(sid)
    assert [(v.version, v.saved_by) for v in history] == [(3, ANA), (2, LI), (1, ANA)]
    assert ana.load(sid, 2).scenario.seed == 2  # li's version is kept
    # the history (who, when) is on the page
    at.switch_page("pages/scenarios.py").run()
    frames = [d.value for d in at.dataframe]
    assert any(list(f.columns) == ["Version", "Saved (UTC)", "By", "Note"] and LI in set(f["By"]) for f in frames)


def test_without_sign_in_configured_the_app_is_the_local_single_user_app(app_in, tmp_path):
    at = app_in()
    at.run()
    no_exceptions(at)
    assert not any(b.key and b.key.startswith("auth.") for b in at.button)
    at.switch_page("pages/scenarios.py").run()
    at.button(key="scenarios.save").click().run()
    no_exceptions(at)
    assert ScenarioStore(tmp_path / "scenarios.db").list()[0].owner == "local"


@pytest.mark.parametrize("filled", [False, True], ids=["empty", "with-a-store"])
def test_a_read_only_data_folder_says_so_and_every_page_still_works(tmp_path, monkeypatch, filled):
    """Issue 17: a data folder that cannot be written gives a message, never an exception box."""
    folder = tmp_path / "data"
    folder.mkdir()
    if filled:
        ScenarioStore(data_dir=folder).save(default_scenario().replace(name="Kept", seed=5))
    for path in [*folder.iterdir(), folder]:  # no write bit: read-only even for root
        path.chmod(0o555 if path.is_dir() else 0o444)
    monkeypatch.chdir(Path(APP).parent)
    monkeypatch.setenv("FUNNELCAST_DATA_DIR", str(folder))
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        no_exceptions(at)
        at.switch_page("pages/scenarios.py").run()
        no_exceptions(at)
        messages = [i.value for i in at.info] + [w.value for w in at.warning]
        assert any("scenarios cannot be saved in" in plain(m) and "FUNNELCAST_DATA_DIR" in plain(m) for m in messages)
        assert at.button(key="scenarios.save").disabled and at.sidebar.button(key="store_panel.save").disabled
        if filled:
            assert list(at.dataframe[0].value["Scenario"]) == ["Kept"]
            at.button(key="scenarios.open").click().run()
            no_exceptions(at)
            at.switch_page("pages/funnel.py").run()
            no_exceptions(at)
        else:
            assert any("unavailable" in w.value for w in at.warning)
        assert sorted(p.name for p in folder.iterdir()) == (["scenarios.db"] if filled else [])
    finally:
        folder.chmod(0o755)


def test_an_unreachable_postgresql_store_is_a_message_and_the_pages_still_work(tmp_path, monkeypatch):
    monkeypatch.chdir(Path(APP).parent)
    monkeypatch.setenv("FUNNELCAST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FUNNELCAST_STORE_URL", "postgresql://funnelcast:hunter2@127.0.0.1:1/funnelcast")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    no_exceptions(at)
    assert len(at.metric) > 0  # the funnel page still computes
    at.switch_page("pages/scenarios.py").run()
    no_exceptions(at)
    errors = [plain(e.value) for e in at.error]
    assert any("Saved scenarios are unavailable" in e and "cannot be reached" in e for e in errors)
    assert not any("hunter2" in e for e in errors)


def test_the_owner_shares_from_the_page_and_the_colleague_sees_it(app_in, tmp_path):
    store = ScenarioStore(tmp_path / "scenarios.db")
    ana = store.as_user(ANA)
    ana.save(default_scenario().replace(name="Pricing plan"))
    sid = ana.info("Pricing plan").id
    at = signed(app_in(), ANA)
    at.run()
    at.switch_page("pages/scenarios.py").run()
    at.text_input(key="scenarios.share_email").set_value(LI).run()
    at.selectbox(key="scenarios.share_role").set_value("editor").run()
    at.button(key="scenarios.share").click().run()
    no_exceptions(at)
    at.selectbox(key=f"scenarios.share_org_{sid}").set_value("viewer").run()
    at.button(key="scenarios.share_org_apply").click().run()
    no_exceptions(at)
    assert ana.sharing(sid).people == {LI: "editor"} and ana.sharing(sid).org_role == "viewer"
    at.text_input(key="scenarios.share_email").set_value("not an e-mail").run()
    at.button(key="scenarios.share").click().run()
    assert any("is not an e-mail address" in plain(e.value) for e in at.error)
    # li signs in and finds it, with edit rights
    other = signed(app_in(), LI)
    other.run()
    other.switch_page("pages/scenarios.py").run()
    table = other.dataframe[0].value
    assert list(table["Scenario"]) == ["Pricing plan"] and list(table["Your access"]) == ["can edit"]
