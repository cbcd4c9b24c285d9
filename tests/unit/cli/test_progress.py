"""The apply progress counts finished operations only, with a rate and ETA on a terminal."""

from __future__ import annotations

import io

from octoflow.apply.executor import CHANGED, FAILED, SKIPPED, OperationResult
from octoflow.cli.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def result(outcome: str, n: int = 1) -> OperationResult:
    return OperationResult(f"Tenant/Tenants-{n}", "Tenant", f"T{n}", "update", outcome)


def test_skipped_operations_do_not_move_the_bar() -> None:
    stream = Terminal()
    progress = Progress(10, stream, clock=lambda: 0.0)
    for n in range(3):
        progress(result(CHANGED, n))
    for n in range(3, 10):
        progress(result(SKIPPED, n))  # apply was interrupted: never started
    progress.finish()
    text = stream.getvalue()
    assert "3/10" in text
    assert "10/10" not in text
    assert "stopped at 3/10: 7 operation(s) not applied" in text


def test_a_finished_apply_says_nothing_more() -> None:
    stream = io.StringIO()
    progress = Progress(2, stream)
    progress(result(CHANGED, 1))
    progress(result(FAILED, 2))
    progress.finish()
    text = stream.getvalue()
    assert "applied 2/2 (100%)" in text
    assert "failed: Tenant 'T2'" in text
    assert "stopped at" not in text


def test_the_terminal_bar_shows_rate_and_eta() -> None:
    now = [0.0]
    stream = Terminal()
    progress = Progress(100, stream, clock=lambda: now[0])
    now[0] = 10.0
    for n in range(40):
        progress(result(CHANGED, n))
    # 40 in 10 s: 4.0/s, 60 left: 15 s
    assert progress.rate_and_eta() == "4.0/s, ETA 15s"
    assert "40/100  4.0/s, ETA 15s" in stream.getvalue()


def test_off_a_terminal_only_milestones_are_printed() -> None:
    stream = io.StringIO()
    progress = Progress(100, stream)
    for n in range(100):
        progress(result(CHANGED, n))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "applied 10/100 (10%)"
    assert lines[-1] == "applied 100/100 (100%)"
    assert len(lines) == 10
    assert "\r" not in stream.getvalue()
