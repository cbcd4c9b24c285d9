"""The journal: one whole JSON line per event, private, redacted, from many threads."""

from __future__ import annotations

import json
import os
import stat
import threading

from octoflow.apply.journal import Journal
from octoflow.secrets import register_secret


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_lines_from_many_threads_arrive_whole(tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)

    def write(n: int) -> None:
        for i in range(200):
            journal.write("operation", key=f"Tenant/Tenants-{n}-{i}", detail="x" * 300)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    journal.close()

    written = lines(path)
    assert len(written) == 1600
    assert len({w["key"] for w in written}) == 1600
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_closed_journal_opens_its_file_again_and_appends(tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.write("apply-started", plan="a")
    journal.close()
    journal.close()  # closing twice is harmless
    journal.write("apply-started", plan="b")
    journal.close()

    assert [w["plan"] for w in lines(path)] == ["a", "b"]


def test_a_registered_secret_never_reaches_the_file(tmp_path):
    path = tmp_path / "journal.jsonl"
    register_secret("s3cret-value-for-the-journal-test")
    journal = Journal(path)
    journal.write("operation", detail="password is s3cret-value-for-the-journal-test")
    journal.close()

    assert "s3cret-value-for-the-journal-test" not in path.read_text()


def test_no_path_writes_nothing(tmp_path):
    journal = Journal(None)
    journal.write("operation", key="x")
    journal.close()
    assert list(tmp_path.iterdir()) == []
