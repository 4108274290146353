"""The sign-in allow-list: who may use the app once the provider has signed them in."""

from __future__ import annotations

import pytest

from ui.auth import _as_list, is_allowed


@pytest.mark.parametrize(
    "email, allowed",
    [
        ("ana@example.com", True),
        ("ANA@Example.COM ", True),  # case and spacing do not matter
        ("cfo@partner.example", True),  # listed address
        ("other@partner.example", False),  # its domain is not listed
        ("mallory@example.com.evil.test", False),  # a listed domain as a prefix is not the domain
        ("mallory@sub.example.com", False),  # subdomains are not the domain
        ("example.com", False),  # no e-mail
        ("", False),
        (None, False),
    ],
)
def test_allow_list_by_domain_and_address(email, allowed):
    assert is_allowed(email, ["example.com"], ["cfo@partner.example"]) is allowed


def test_without_an_allow_list_everyone_with_an_email_is_let_in():
    assert is_allowed("anyone@anywhere.test", [], [])
    assert not is_allowed(None, [], [])


def test_settings_are_read_leniently():
    assert _as_list("Example.com") == ["example.com"]
    assert _as_list(["@example.com", " ", "B@x.io"]) == ["example.com", "b@x.io"]
    assert _as_list(42) == []


def test_xsrf_protection_is_on_in_the_shipped_config():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
