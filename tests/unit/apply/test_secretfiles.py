"""CSV cells octoflow writes are safe to open in a spreadsheet; pending rows settle by name."""

from __future__ import annotations

import csv

import pytest
from octoflow_plugins.users.intents import new_password

from octoflow.apply.secretfiles import (
    FORMULA_STARTS,
    append_rows,
    csv_cell,
    csv_text,
    csv_value,
    settle_pending,
)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("alice", "alice"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_cells_get_a_leading_quote(value, cell) -> None:
    assert csv_cell(value) == cell
    assert csv_value(cell) == value


def test_every_cell_of_a_row_is_escaped() -> None:
    rows = list(csv.reader(csv_text([("=a", "b", "@c"), ("-d", "e,f", "g")]).splitlines()))
    assert rows == [["'=a", "b", "'@c"], ["'-d", "e,f", "g"]]


def test_passwords_never_need_escaping() -> None:
    assert not [p for p in (new_password() for _ in range(3000)) if p.startswith(FORMULA_STARTS)]


def test_appended_rows_are_escaped_and_private(tmp_path) -> None:
    path = tmp_path / "out.csv"
    append_rows(path, ("username", "password"), [("=x", "pw1")])
    append_rows(path, ("username", "password"), [("y", "pw2")])
    assert path.read_bytes() == b"username,password\r\n'=x,pw1\r\ny,pw2\r\n"
    assert path.stat().st_mode & 0o777 == 0o600


def test_settling_keeps_named_rows_once_and_removes_pending_files(tmp_path) -> None:
    path = tmp_path / "pw.csv"
    append_rows(path, ("username", "password"), [("done", "p0")])
    pending = tmp_path / "pw.csv.pending-1"
    pending.write_text(csv_text([("username", "password"), ("done", "p0"), ("=new", "p1"),
                                 ("never", "p2")]))  # fmt: skip

    added = settle_pending(path, ("username", "password"), [pending], {"done", "'=new"})

    assert added == 1 and not pending.exists()
    assert list(csv.reader(path.read_text().splitlines())) == [
        ["username", "password"], ["done", "p0"], ["'=new", "p1"]
    ]  # fmt: skip
