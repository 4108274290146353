"""Sign-in end to end: a real OpenID Connect provider (oidc-provider-mock) and `streamlit run app.py` configured
with it through a secrets file, driven in headless Chromium. Nothing of Streamlit is mocked.

Ports: Streamlit 8641-8644, the provider 8650-8655 (this helper's ranges).
"""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from store import ScenarioStore
from tests.e2e.conftest import require_chromium, wait_for_app
from tests.e2e.servers import free_port, oidc_provider, streamlit_at

SECRETS = """
[auth]
redirect_uri = "{app}/oauth2callback"
cookie_secret = "e2e-only-cookie-secret-not-used-anywhere-else-0123456789"
client_id = "funnelcast-e2e"
client_secret = "e2e-only-client-secret"
server_metadata_url = "{idp}/.well-known/openid-configuration"

[funnelcast]
allowed_domains = ["example.com"]
"""


@pytest.fixture(scope="module")
def signin_app():
    require_chromium()
    app_port, idp_port = free_port(range(8641, 8645)), free_port(range(8650, 8656))
    folder = Path(tempfile.mkdtemp(prefix="funnelcast-signin-"))
    app_url = f"http://127.0.0.1:{app_port}"
    with oidc_provider(idp_port) as idp:
        secrets = folder / "secrets.toml"
        secrets.write_text(SECRETS.format(app=app_url, idp=idp))
        data = folder / "data"
        env = {"FUNNELCAST_DATA_DIR": str(data), "AUTHLIB_INSECURE_TRANSPORT": "1"}
        with streamlit_at(app_port, env=env, args=("--secrets.files", str(secrets))) as url:
            yield url, data


def sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    wait_for_app(page)


def test_sign_in_sign_out_and_the_allow_list_in_a_real_browser(signin_app, browser):
    url, data = signin_app
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        # signed out: the sign-in screen only, on the home page and on a deep link
        for path in ("", "/scenarios", "/present"):
            page.goto(url + path)
            wait_for_app(page)
            assert page.get_by_role("button", name="Sign in").is_visible()
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0
            assert page.locator('[data-testid="stMetric"]').count() == 0
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "funnelcast-signin-signed-out.png"))

        # sign in at the provider as an allowed user: the app, with who is signed in
        sign_in(page, url, "ana@example.com")
        page.get_by_text("Signed in as ana@example.com").wait_for()
        page.locator('[data-testid="stMetric"]').first.wait_for()
        page.get_by_text("Saved scenarios").click()
        page.get_by_role("button", name="Save 'Base plan'").click()
        wait_for_app(page)
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "funnelcast-signin-signed-in.png"))
        saved = ScenarioStore(data / "scenarios.db").as_user("ana@example.com").list()
        assert [(i.name, i.owner, i.saved_by) for i in saved] == [("Base plan", "ana@example.com", "ana@example.com")]

        # sign out: back to the sign-in screen, and a reload does not bring the session back
        page.get_by_role("button", name="Sign out").click()
        # Streamlit drops its identity cookie and sends the browser to the provider's end-session page
        page.wait_for_url(lambda u: "end_session" in u, timeout=30_000)
        page.goto(url)
        wait_for_app(page)
        assert page.get_by_role("button", name="Sign in").is_visible()
        assert page.get_by_text("Signed in as").count() == 0

        # an account outside the allow-list is refused
        sign_in(page, url, "mallory@elsewhere.test")
        page.get_by_text("is not allowed to use this app").wait_for()
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    finally:
        context.close()


def test_xsrf_protection_stays_on(signin_app):
    """An upload without the XSRF cookie and token is refused (Streamlit's XSRF check is enabled)."""
    url, _ = signin_app
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/some-session/some-file",
        data=b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na\r\n--x--\r\n',
        headers={"Content-Type": "multipart/form-data; boundary=x"},
        method="PUT",
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == 403
