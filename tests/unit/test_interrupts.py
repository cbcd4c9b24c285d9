"""While apply schedules writes, a signal asks it to stop instead of raising mid-bytecode."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from octoflow.interrupts import sigterm_interrupts, stop_requested_by_signals, terminated


def _send(signum: int, until: threading.Event | None = None) -> None:
    """Signal this process, then give the handler time to run in the main thread (it
    runs at the main thread's next bytecode; on a loaded machine that can take a while,
    so wait for ``until`` when there is something to wait for)."""
    os.kill(os.getpid(), signum)
    for _ in range(200):
        if until is None or until.is_set():
            break
        threading.Event().wait(0.01)
    threading.Event().wait(0.05)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_first_signal_only_asks_to_stop_and_the_second_raises(signum: int) -> None:
    stop = threading.Event()
    before = signal.getsignal(signum)
    terminated.clear()
    with pytest.raises(KeyboardInterrupt), stop_requested_by_signals(stop):
        _send(signum, until=stop)
        assert stop.is_set()
        _send(signum)
    assert terminated.is_set() is (signum == signal.SIGTERM)
    assert signal.getsignal(signum) is before


def test_sigterm_elsewhere_interrupts_and_is_remembered_as_termination() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), sigterm_interrupts():
        _send(signal.SIGTERM)
    assert terminated.is_set()
    assert signal.getsignal(signal.SIGTERM) is before


def test_outside_the_main_thread_signals_are_left_to_the_application() -> None:
    seen = []

    def worker() -> None:
        with stop_requested_by_signals(threading.Event()):
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [before]
