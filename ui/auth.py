"""Sign-in: OpenID Connect through Streamlit's st.login / st.user / st.logout, when it is configured.

Without an `[auth]` section in `.streamlit/secrets.toml` (a laptop, `make run`) nobody signs in and every
call acts for the fixed local user (store.LOCAL_USER). With it, app.py calls `require_sign_in()` before
anything else is drawn: a signed-out visitor sees only the sign-in screen, and no page script runs, so no
scenario, upload or number reaches them. Who may use the app after the provider has signed them in is
an allow-list in `[funnelcast]`:

    [funnelcast]
    allowed_domains = ["example.com"]           # anyone with an e-mail at these domains
    allowed_emails = ["cfo@partner.example"]    # and these addresses

With sign-in configured and no allow-list, everyone the provider signs in is let in (said on screen).
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from store import LOCAL_USER

SECTION = "funnelcast"
PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


def _secrets_section(name: str) -> dict:
    """A section of secrets.toml as a dict; {} when there is no secrets file or no such section."""
    try:
        if name not in st.secrets:
            return {}
        return dict(st.secrets[name])
    except (FileNotFoundError, KeyError, OSError, ValueError, st.errors.StreamlitSecretNotFoundError):
        return {}


def sign_in_configured() -> bool:
    """True when secrets.toml has an [auth] section: then every page requires sign-in."""
    return bool(_secrets_section("auth"))


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [str(v).strip().lower().lstrip("@") for v in value if str(v).strip()]


def allow_list() -> tuple[list[str], list[str]]:
    """(allowed e-mail domains, allowed e-mail addresses), lower case."""
    section = _secrets_section(SECTION)
    return _as_list(section.get("allowed_domains", [])), _as_list(section.get("allowed_emails", []))


def is_allowed(email: str | None, domains: list[str], emails: list[str]) -> bool:
    """An e-mail is allowed when it is listed, or its domain is; everyone when both lists are empty."""
    if not email or "@" not in email:
        return False
    email = email.strip().lower()
    if not domains and not emails:
        return True
    return email in emails or email.rsplit("@", 1)[1] in domains


def _plain(text: str | None) -> str:
    """Text shown literally inside markdown (an e-mail such as a_b_c@x.com must not turn italic)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text or "")


def _user_email() -> str | None:
    email = st.user.get("email") if st.user.is_logged_in else None
    return str(email).strip().lower() if email else None


def current_user() -> str:
    """Who is using the app: the signed-in, allowed e-mail, or LOCAL_USER without sign-in.

    Raises PermissionError for a signed-out or refused visitor (require_sign_in has stopped those already).
    """
    if not sign_in_configured():
        return LOCAL_USER
    email = _user_email()
    domains, emails = allow_list()
    if email is None or not is_allowed(email, domains, emails):
        raise PermissionError("not signed in")
    return email


def _sign_in_screen() -> None:
    st.title("Funnelcast")
    st.write("Revenue plans are confidential: sign in with your work account to continue.")
    if st.button("Sign in", key="auth.login", type="primary", icon=":material/login:"):
        st.login()


def _refused_screen() -> None:
    email = _user_email()
    st.title("Funnelcast")
    st.error(
        f"{_plain(email) or 'This account (it has no e-mail address)'} is not allowed to use this app. "
        "Sign out and sign in with your work account, or ask the app's administrator to add you."
    )
    if st.button("Sign out", key="auth.logout_refused"):
        st.logout()


def _only(screen) -> None:
    """Show one screen and stop: the navigation holds only it (under every page's address, so a deep link
    shows it too), so no page is listed, linked or run."""
    paths = sorted(p.stem for p in PAGES_DIR.glob("*.py") if not p.stem.startswith("_"))
    pages = [st.Page(screen, title="Sign in", url_path="signin", default=True)]
    pages += [st.Page(screen, title="Sign in", url_path=path) for path in paths]
    st.navigation(pages, position="hidden").run()
    st.stop()


def require_sign_in() -> str:
    """Gate for app.py: return the user, or draw the sign-in (or refusal) screen and stop the run."""
    if not sign_in_configured():
        return LOCAL_USER
    if not st.user.is_logged_in:
        _only(_sign_in_screen)
    email = _user_email()
    domains, emails = allow_list()
    if not is_allowed(email, domains, emails):
        _only(_refused_screen)
    with st.sidebar:
        st.caption(f"Signed in as {_plain(email)}")
        if not domains and not emails:
            st.caption("Anyone the sign-in provider accepts can use this app (no allow-list is set).")
        if st.button("Sign out", key="auth.logout", icon=":material/logout:"):
            st.logout()
    return email  # type: ignore[return-value]
