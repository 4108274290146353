"""Transaction-log uploads on the unit-economics page (issue 17): broken or hostile logs give one message, an
ordinary log in European style is read with its decimal commas; never an exception box."""

from __future__ import annotations

import pytest

from tests import hostile_files as H
from tests.app.upload_helpers import texts, upload

KEY = "economics.upload"


@pytest.fixture()
def page(app):
    app.run()
    app.switch_page("pages/unit_economics.py").run()
    app.radio(key="economics.method").set_value("repeat").run()
    return app


def log(sep: str = ",", decimal: str = ".") -> bytes:
    lines = [sep.join(["customer", "date", "amount"])]
    for k in range(300):
        amount = f"{10 + k % 17}{decimal}{k % 100:02d}"
        lines.append(sep.join([f"c{k % 60}", f"1997-{1 + k % 9:02d}-{1 + k % 27:02d}", amount]))
    return ("\n".join(lines) + "\n").encode()


def test_european_log_is_fitted(page):
    at = upload(page, KEY, log(";", ","), "log.csv")
    assert not at.error, texts(at)
    assert "Use these estimates" in [b.label for b in at.button]


@pytest.mark.parametrize(
    "data",
    [H.utf16_cut(), b"\x00\x01binary\x02", H.xlsx_bomb(1), b"customer,date\n", b"x,y,z\n1,2\n"],
    ids=["utf16-crm-export", "binary", "zip", "no-amount", "junk"],
)
def test_unusable_logs_give_one_message(page, data):
    at = upload(page, KEY, data, "log.csv")
    assert at.error and "Transaction log" in texts(at)
